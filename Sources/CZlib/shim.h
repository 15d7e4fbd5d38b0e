// shim.h — zlib for survsh's compressed-input readers (gzip, zip members).
//
// inflateInit2 is a C macro, which Swift cannot call; it is wrapped in a function with a fixed
// signature. windowBits: 15 + 16 = gzip only, -15 = raw deflate (zip members).
#ifndef SURVSH_CZLIB_SHIM_H
#define SURVSH_CZLIB_SHIM_H

#include <zlib.h>

static inline int survsh_inflate_init(z_stream *stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
#endif
