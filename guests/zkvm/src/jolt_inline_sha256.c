/* jolt_inline_sha256 (ZKVM_BARE_METAL): Jolt's SHA-256 compression inline (opcode 0x0B,
 * funct7 0; rs1 = state, 8 u32; rs2 = one 64-byte block as 16 big-endian-valued u32 words, as
 * jolt-inlines/sha2's SDK passes them) on the padded block of "abc", twice:
 * funct3 1 (starting from SHA-256's IV) and funct3 0 (in place, the state set to the IV first).
 * Each digest (state words, big-endian) goes to the output region: 64 bytes,
 * ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad twice, and is printed with
 * VirtualHostIO ("sha256 iv: <hex>\n", "sha256 in place: <hex>\n"). Returns 0: the
 * termination store (jolt_start.s), then `j .`. Terminated, exit 0. */
#include <stdint.h>

extern volatile uint8_t __output_start[];

static uint32_t state[8] __attribute__((aligned(8)));
static uint32_t block[16] __attribute__((aligned(8))) = {
    0x61626380, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x18, /* "abc", 0x80, bit length 24 */
};
static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

static void print(const char *s, unsigned long n)
{
    register unsigned long a0 __asm__("a0") = 0x505249, a1 __asm__("a1") = (unsigned long)s, a2 __asm__("a2") = n,
                                              a3 __asm__("a3") = 1;
    __asm__ volatile(".insn i 0x5B, 2, x0, x0, 0" : : "r"(a0), "r"(a1), "r"(a2), "r"(a3) : "memory");
}

static void emit(const char *label, unsigned long label_len, unsigned offset)
{
    static const char hexdigits[] = "0123456789abcdef";
    char line[80];
    unsigned n = 0;
    for (unsigned i = 0; i < label_len; i++) line[n++] = label[i];
    for (unsigned i = 0; i < 32; i++) {
        uint8_t b = (uint8_t)(state[i / 4] >> (24 - 8 * (i % 4)));
        __output_start[offset + i] = b;
        line[n++] = hexdigits[b >> 4];
        line[n++] = hexdigits[b & 15];
    }
    line[n++] = '\n';
    print(line, n);
}

int main(void)
{
    __asm__ volatile(".insn r 0x0B, 1, 0, x0, %0, %1" : : "r"(state), "r"(block) : "memory");
    emit("sha256 iv: ", 11, 0);
    for (int i = 0; i < 8; i++) state[i] = iv[i];
    __asm__ volatile(".insn r 0x0B, 0, 0, x0, %0, %1" : : "r"(state), "r"(block) : "memory");
    emit("sha256 in place: ", 17, 32);
    return 0;
}
