/* jolt_inline_keccak (ZKVM_BARE_METAL): Jolt's Keccak-f[1600] inline (opcode 0x0B, funct7 1,
 * funct3 0; rs1 = state, 25 u64 lanes, permuted in place) twice:
 *  1. the Keccak-256 padded block of "abc" (lane 0 = 0x0000000001636261, lane 16 =
 *     0x8000000000000000): the first 32 state bytes are Keccak-256("abc") =
 *     4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45;
 *  2. the all-zero state: Keccak-f of zero, lane 0 = 0xf1258f7940e1dde7.
 * Output region: those 32 bytes, then the 200 bytes of the permuted zero state (232 bytes,
 * written with 8-byte stores). Prints with VirtualHostIO "keccak256(abc): <hex>\n" and
 * "keccak-f(0) lane 0: <hex of the 8 bytes>\n". Returns 0: the termination store
 * (jolt_start.s), then `j .`. Terminated, exit 0. */
#include <stdint.h>

extern volatile uint64_t __output_start[];

static uint64_t state[25] __attribute__((aligned(8)));

static void print(const char *s, unsigned long n)
{
    register unsigned long a0 __asm__("a0") = 0x505249, a1 __asm__("a1") = (unsigned long)s, a2 __asm__("a2") = n,
                                              a3 __asm__("a3") = 1;
    __asm__ volatile(".insn i 0x5B, 2, x0, x0, 0" : : "r"(a0), "r"(a1), "r"(a2), "r"(a3) : "memory");
}

static void hexline(const char *label, unsigned label_len, unsigned lanes)
{
    static const char hexdigits[] = "0123456789abcdef";
    char line[96];
    unsigned n = 0;
    for (unsigned i = 0; i < label_len; i++) line[n++] = label[i];
    for (unsigned i = 0; i < lanes * 8; i++) {
        uint8_t b = (uint8_t)(state[i / 8] >> (8 * (i % 8)));
        line[n++] = hexdigits[b >> 4];
        line[n++] = hexdigits[b & 15];
    }
    line[n++] = '\n';
    print(line, n);
}

static void keccak_f(void)
{
    __asm__ volatile(".insn r 0x0B, 0, 1, x0, %0, x0" : : "r"(state) : "memory");
}

int main(void)
{
    state[0] = 0x0000000001636261ull; /* "abc", then Keccak's 0x01 padding byte */
    state[16] = 0x8000000000000000ull; /* the final 0x80 at byte 135 (rate 136) */
    keccak_f();
    for (int i = 0; i < 4; i++) __output_start[i] = state[i];
    hexline("keccak256(abc): ", 16, 4);
    for (int i = 0; i < 25; i++) state[i] = 0;
    keccak_f();
    for (int i = 0; i < 25; i++) __output_start[4 + i] = state[i];
    hexline("keccak-f(0) lane 0: ", 20, 1);
    return 0;
}
