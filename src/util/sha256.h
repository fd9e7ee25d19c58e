/* sha256 — SHA-256 (FIPS 180-4) of a byte buffer, for the provenance of ingested
 * reports (synthesis_results.source_sha256) and of stored specs.
 *
 * Memory: none; the context is a plain struct on the caller's stack.
 * Workload: a report file (kilobytes to a few megabytes) hashed once per ingest.
 */
#ifndef SNAC_UTIL_SHA256_H
#define SNAC_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32
#define SHA256_HEX_LEN 65 /* 64 hex digits + NUL */

typedef struct sha256_ctx {
    uint32_t h[8];
    uint64_t n_bytes;      /* message length so far */
    unsigned char block[64];
    size_t n_block;        /* bytes waiting in block */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final(sha256_ctx *c, unsigned char digest[SHA256_DIGEST_LEN]);

/* One-shot digest of data[0..len) as lowercase hex into hex[SHA256_HEX_LEN]. */
void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN]);

#endif
