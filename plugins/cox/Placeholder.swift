// Placeholder: this command module's sources land here (see CORE_READY.md). Remove when the module has code.
enum coxPlaceholderModule {}
