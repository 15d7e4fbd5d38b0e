/* xoshiro256starstar.c — reference outputs for Xoshiro256StarStar (RandomTests).
 * The generator and the seeding are the authors' public-domain reference code, verbatim in
 * substance: https://prng.di.unimi.it/xoshiro256starstar.c and https://prng.di.unimi.it/splitmix64.c
 * (Blackman & Vigna). Build and run: cc -O2 -o /tmp/x xoshiro256starstar.c && /tmp/x > xoshiro256starstar.json
 */
#include <stdint.h>
#include <stdio.h>

static uint64_t sm_x;
static uint64_t splitmix64(void) {
    uint64_t z = (sm_x += 0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
}

static inline uint64_t rotl(const uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static uint64_t s[4];
static uint64_t next(void) {
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

int main(void) {
    const uint64_t seeds[] = {0, 1, 42, 20241205, 9007199254740991ULL};
    printf("{\"generator\": \"xoshiro256** 1.0 seeded by SplitMix64 (prng.di.unimi.it reference C)\", \"streams\": [\n");
    for (int k = 0; k < 5; k++) {
        sm_x = seeds[k];
        for (int i = 0; i < 4; i++) s[i] = splitmix64();
        printf("  {\"seed\": \"%llu\", \"outputs\": [", (unsigned long long)seeds[k]);
        for (int i = 0; i < 8; i++) printf("%s\"%llu\"", i ? ", " : "", (unsigned long long)next());
        printf("]}%s\n", k < 4 ? "," : "");
    }
    printf("]}\n");
    return 0;
}
