// shim.h — the parts of libedit (and of libc) survsh's line editor needs, as plain C functions.
//
// el_set/el_get/history are C variadic functions, which Swift cannot call; each use is wrapped
// here in a small static inline function with a fixed signature. C globals (stdin, stderr) are not
// usable from Swift 6, so they are reached through functions too.
#ifndef SURVSH_CLIBEDIT_SHIM_H
#define SURVSH_CLIBEDIT_SHIM_H

#include <histedit.h>
#include <stdio.h>
#include <locale.h>
#include <signal.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <termios.h>

typedef char *(*survsh_prompt_fn)(EditLine *);
typedef unsigned char (*survsh_key_fn)(EditLine *, int);

/// el_init reading stdin, writing the prompt and the line (and errors) to stderr, so that
/// stdout carries results only.
static inline EditLine *survsh_el_init(const char *prog) {
    return el_init(prog, stdin, stderr, stderr);
}
static inline int survsh_el_set_prompt(EditLine *e, survsh_prompt_fn f) { return el_set(e, EL_PROMPT, f); }
static inline int survsh_el_set_editor(EditLine *e, const char *mode) { return el_set(e, EL_EDITOR, mode); }
static inline int survsh_el_set_history(EditLine *e, History *h) { return el_set(e, EL_HIST, history, h); }
static inline int survsh_el_set_clientdata(EditLine *e, void *data) { return el_set(e, EL_CLIENTDATA, data); }
static inline void *survsh_el_get_clientdata(EditLine *e) {
    void *data = NULL;
    el_get(e, EL_CLIENTDATA, &data);
    return data;
}
static inline int survsh_el_add_function(EditLine *e, const char *name, const char *help, survsh_key_fn f) {
    return el_set(e, EL_ADDFN, name, help, f);
}
static inline int survsh_el_bind(EditLine *e, const char *key, const char *fn) {
    return el_set(e, EL_BIND, key, fn, NULL);
}
static inline int survsh_el_source_default(EditLine *e) { return el_source(e, NULL); }

static inline History *survsh_history_init(void) { return history_init(); }
static inline int survsh_history_setsize(History *h, int n) { HistEvent ev; return history(h, &ev, H_SETSIZE, n); }
static inline int survsh_history_setunique(History *h, int on) { HistEvent ev; return history(h, &ev, H_SETUNIQUE, on); }
static inline int survsh_history_enter(History *h, const char *line) { HistEvent ev; return history(h, &ev, H_ENTER, line); }
static inline int survsh_history_load(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_LOAD, path); }
static inline int survsh_history_save(History *h, const char *path) { HistEvent ev; return history(h, &ev, H_SAVE, path); }

/// LC_CTYPE from the environment (UTF-8 input); numbers keep the "C" locale.
static inline const char *survsh_setlocale_ctype(void) { return setlocale(LC_CTYPE, ""); }
static inline int survsh_errno(void) { return errno; }
static inline FILE *survsh_stderr(void) { return stderr; }
static inline int survsh_isatty_stdin(void) { return isatty(STDIN_FILENO); }
static inline int survsh_isatty_stdout(void) { return isatty(STDOUT_FILENO); }
static inline int survsh_isatty_stderr(void) { return isatty(STDERR_FILENO); }

/// Installs `handler` for SIGINT without SA_RESTART, so a blocking read returns EINTR.
static inline int survsh_install_sigint(void (*handler)(int)) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    return sigaction(SIGINT, &sa, NULL);
}

/// While a command runs the terminal is in cooked mode, where a Ctrl-D typed ahead is an end-of-file
/// mark that becomes a NUL byte when libedit switches to raw mode: the Ctrl-D was lost and the NUL
/// made libedit insert the next key literally, so the shell did not quit. This turns the VEOF
/// character off (saving the settings in `saved`) so that a typed-ahead Ctrl-D stays the byte 4,
/// which libedit then reads as Ctrl-D. 0 when done (stdin is a terminal).
static inline int survsh_tty_keep_eof_byte(struct termios *saved) {
    if (tcgetattr(STDIN_FILENO, saved) != 0) return -1;
    struct termios t = *saved;
    t.c_cc[VEOF] = _POSIX_VDISABLE;
    return tcsetattr(STDIN_FILENO, TCSANOW, &t);
}
/// Puts back the settings `survsh_tty_keep_eof_byte` saved (bytes typed ahead are kept).
static inline int survsh_tty_restore(const struct termios *saved) {
    int r;
    do { r = tcsetattr(STDIN_FILENO, TCSANOW, saved); } while (r != 0 && errno == EINTR);
    return r;
}

/// Terminal width and height in characters (0 when unknown).
static inline void survsh_terminal_size(int *cols, int *rows) {
    struct winsize w;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &w) == 0) { *cols = w.ws_col; *rows = w.ws_row; }
    else { *cols = 0; *rows = 0; }
}
#endif
