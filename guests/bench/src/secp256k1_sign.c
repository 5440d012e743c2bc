/* libsecp256k1 workload: derive N key pairs, sign a message with each, verify every
 * signature and fold the DER encodings into one checksum. Keys and messages come from a
 * fixed counter, so the output is the same on every machine (no randomness needed).
 * Usage: secp256k1_sign [N]  (default 50) */
#include <secp256k1.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static void fill(uint64_t *s, unsigned char out[32]) {
  for (int i = 0; i < 4; i++) {
    uint64_t v = splitmix(s);
    for (int j = 0; j < 8; j++) out[i * 8 + j] = (unsigned char)(v >> (8 * j));
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 50;
  secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  uint64_t seed = 1, sum = 0xcbf29ce484222325ull;
  int verified = 0;
  for (int i = 0; i < n; i++) {
    unsigned char key[32], msg[32], der[80], pub[33];
    size_t derlen = sizeof der, publen = sizeof pub;
    secp256k1_pubkey pubkey;
    secp256k1_ecdsa_signature sig;
    do fill(&seed, key); while (!secp256k1_ec_seckey_verify(ctx, key));
    fill(&seed, msg);
    if (!secp256k1_ec_pubkey_create(ctx, &pubkey, key)) return 2;
    if (!secp256k1_ecdsa_sign(ctx, &sig, msg, key, NULL, NULL)) return 3;
    verified += secp256k1_ecdsa_verify(ctx, &sig, msg, &pubkey);
    secp256k1_ecdsa_signature_serialize_der(ctx, der, &derlen, &sig);
    secp256k1_ec_pubkey_serialize(ctx, pub, &publen, &pubkey, SECP256K1_EC_COMPRESSED);
    for (size_t k = 0; k < derlen; k++) sum = (sum ^ der[k]) * 0x100000001b3ull;
    for (size_t k = 0; k < publen; k++) sum = (sum ^ pub[k]) * 0x100000001b3ull;
  }
  secp256k1_context_destroy(ctx);
  printf("signatures %d verified %d checksum %016llx\n", n, verified, (unsigned long long)sum);
  return verified == n ? 0 : 1;
}
