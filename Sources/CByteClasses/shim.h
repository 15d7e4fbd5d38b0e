// shim.h — the classes of 16 bytes at once, as bit masks (bit i for byte i), for the CSV reader's
// number-shape test (Sources/SurvshCore/Readers/NumberShape.swift).
//
// Swift has no portable "move mask" (one bit per byte of a vector comparison), which is what makes a
// 16-byte test cheap: on x86-64 SSE2 (part of the baseline target, so always present) it is one
// instruction per class. Elsewhere (arm64) the same masks come from a byte loop, which gives exactly
// the same bits; tests compare the two. Nothing here reads past p[15].
#ifndef SURVSH_CBYTECLASSES_SHIM_H
#define SURVSH_CBYTECLASSES_SHIM_H

#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct {
    uint16_t stop;     // the delimiter, LF or CR
    uint16_t nondigit; // anything but '0'...'9'
    uint16_t dot;      // '.'
    uint16_t exponent; // 'e' or 'E'
    uint16_t sign;     // '+' or '-'
} survsh_byte_classes;

/// The classes of p[0..15], one byte at a time (the reference, and the path without SSE2).
static inline survsh_byte_classes survsh_byte_classes16_bytewise(const uint8_t *p, uint8_t delimiter) {
    survsh_byte_classes r = {0, 0, 0, 0, 0};
    for (int i = 0; i < 16; i++) {
        uint8_t b = p[i];
        uint16_t bit = (uint16_t)(1u << i);
        if (b == delimiter || b == '\n' || b == '\r') r.stop |= bit;
        if (b < '0' || b > '9') r.nondigit |= bit;
        if (b == '.') r.dot |= bit;
        if (b == 'e' || b == 'E') r.exponent |= bit;
        if (b == '+' || b == '-') r.sign |= bit;
    }
    return r;
}

/// The classes of p[0..15]: SSE2 compares and move masks where available, else the byte loop.
static inline survsh_byte_classes survsh_byte_classes16(const uint8_t *p, uint8_t delimiter) {
#if defined(__SSE2__)
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)delimiter)),
                                             _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
                                _mm_cmpeq_epi8(v, _mm_set1_epi8('\r')));
    // a digit is a byte whose distance above '0' (unsigned, wrapping) is at most 9
    __m128i d = _mm_sub_epi8(v, _mm_set1_epi8('0'));
    __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
    __m128i sign = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('+')), _mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
    survsh_byte_classes r;
    r.stop = (uint16_t)_mm_movemask_epi8(stop);
    r.nondigit = (uint16_t)~_mm_movemask_epi8(digit);
    r.dot = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
    r.exponent = (uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('e')));
    r.sign = (uint16_t)_mm_movemask_epi8(sign);
    return r;
#else
    return survsh_byte_classes16_bytewise(p, delimiter);
#endif
}
#endif
