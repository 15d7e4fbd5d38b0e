// shim.h — cache prefetch hints for SurvivalStats' scattered additions (CoxTimeRanks' per-rank buckets)
// and its copy of the design columns into row blocks (the next block's lines, read).
//
// Swift has no prefetch instruction; clang's __builtin_prefetch is wrapped in an inline function, which
// Swift inlines. A prefetch changes no value: it only asks for the cache line of `address` (for writing)
// ahead of the read-modify-write that follows, so the misses of a block of rows overlap instead of
// stalling one after another.
#ifndef SURVSH_CPREFETCH_SHIM_H
#define SURVSH_CPREFETCH_SHIM_H

static inline void survsh_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

static inline void survsh_prefetch_for_read(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#endif
