/* surr_sha256 — SHA-256 (FIPS 180-4) of a byte string, as 64 lowercase hex digits:
 * the spec_sha256 key of stored predictions.
 *
 * Memory: none allocated. Workload: a spec's canonical text (a few KB) per prediction stored.
 */
#ifndef SNAC_SURROGATE_SURR_SHA256_H
#define SNAC_SURROGATE_SURR_SHA256_H

#include <stddef.h>

void surr_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
