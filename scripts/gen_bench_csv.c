/* gen_bench_csv.c — the benchmark CSV of scripts/gen_bench_csv.py, fast (10^8 rows in minutes).
 *
 * Usage (through scripts/gen_bench_csv, which compiles this file):
 *   gen_bench_csv ROWS OUTPUT.csv [SEED]
 *
 * Same 15 columns, formats and distributions as gen_bench_csv.py (see its docstring):
 *   id 1..ROWS; time = max(0.1, exponential with mean 365 rounded to 1 decimal); status 1 with
 *   probability 0.6; group A/B/C and stratum s1..s5 uniform; x1..x10 standard normal, odd columns
 *   as %.6f, even columns as %.4e (Python's '%.4e': -1.2345e-01).
 * NOT the same random stream as the Python script (xoshiro256** seeded by SplitMix64, Marsaglia's
 * polar method for the normals), so the files differ byte for byte; the same seed gives the same
 * file. No quotes, LF line ends, no missing values.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t s[4];

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t next(void) { /* xoshiro256** (Blackman & Vigna) */
    uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
    return r;
}

static void seed(uint64_t x) { /* SplitMix64 fills the state */
    for (int i = 0; i < 4; i++) {
        uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        s[i] = z ^ (z >> 31);
    }
}

static double uniform(void) { return (next() >> 11) * 0x1.0p-53; } /* [0, 1) */

static double gauss(void) { /* Marsaglia polar: two normals per accepted pair */
    static int have = 0;
    static double spare;
    if (have) { have = 0; return spare; }
    double u, v, q;
    do { u = 2 * uniform() - 1; v = 2 * uniform() - 1; q = u * u + v * v; } while (q >= 1 || q == 0);
    double f = sqrt(-2 * log(q) / q);
    spare = v * f; have = 1;
    return u * f;
}

static char *put_uint(char *p, uint64_t v) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) *p++ = tmp[--n];
    return p;
}

static char *put_digits(char *p, uint64_t v, int width) { /* zero-padded */
    for (int i = width - 1; i >= 0; i--) { p[i] = (char)('0' + v % 10); v /= 10; }
    return p + width;
}

static char *put_fixed6(char *p, double x) { /* %.6f */
    int64_t m = llround(x * 1e6);
    if (m < 0) { *p++ = '-'; m = -m; }
    p = put_uint(p, (uint64_t)m / 1000000);
    *p++ = '.';
    return put_digits(p, (uint64_t)m % 1000000, 6);
}

static char *put_exp4(char *p, double x) { /* %.4e */
    if (x < 0) { *p++ = '-'; x = -x; }
    int e = 0;
    int64_t m = 0;
    if (x > 0) {
        e = (int)floor(log10(x));
        m = llround(x / pow(10, e) * 1e4);
        if (m >= 100000) { e += 1; m = llround(x / pow(10, e) * 1e4); }
        if (m < 10000) { e -= 1; m = llround(x / pow(10, e) * 1e4); }
    }
    *p++ = (char)('0' + m / 10000);
    *p++ = '.';
    p = put_digits(p, (uint64_t)(m % 10000), 4);
    *p++ = 'e';
    *p++ = e < 0 ? '-' : '+';
    int a = e < 0 ? -e : e;
    return a >= 100 ? put_digits(p, (uint64_t)a, 3) : put_digits(p, (uint64_t)a, 2);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: gen_bench_csv ROWS OUTPUT.csv [SEED]\n");
        return 2;
    }
    long long rows = atoll(argv[1]);
    seed(argc > 3 ? strtoull(argv[3], NULL, 10) : 20240601ULL);
    FILE *f = fopen(argv[2], "wb");
    if (!f) { perror(argv[2]); return 1; }
    enum { CAP = 1 << 20 };
    static char buf[CAP + 512];
    char *p = buf;
    p += sprintf(p, "id,time,status,group,stratum,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10\n");
    for (long long i = 1; i <= rows; i++) {
        double t = -log(1 - uniform()) * 365.0;
        int64_t tenths = llround(t * 10);
        if (tenths < 1) tenths = 1;
        p = put_uint(p, (uint64_t)i); *p++ = ',';
        p = put_uint(p, (uint64_t)tenths / 10); *p++ = '.'; *p++ = (char)('0' + tenths % 10); *p++ = ',';
        *p++ = uniform() < 0.6 ? '1' : '0'; *p++ = ',';
        *p++ = (char)('A' + next() % 3); *p++ = ',';
        *p++ = 's'; *p++ = (char)('1' + next() % 5);
        for (int k = 0; k < 10; k++) {
            *p++ = ',';
            p = k % 2 == 0 ? put_fixed6(p, gauss()) : put_exp4(p, gauss());
        }
        *p++ = '\n';
        if (p - buf >= CAP) {
            if (fwrite(buf, 1, (size_t)(p - buf), f) != (size_t)(p - buf)) { perror(argv[2]); return 1; }
            p = buf;
        }
    }
    if (fwrite(buf, 1, (size_t)(p - buf), f) != (size_t)(p - buf) || fclose(f) != 0) { perror(argv[2]); return 1; }
    return 0;
}
