/* test_sha256 — SHA-256 against the FIPS 180-2 appendix B vectors, and streaming
 * in odd-sized pieces against one-shot hashing. */
#include <stdlib.h>

#include "check.h"
#include "util/sha256.h"

static void sha256_should_match_fips_180_2_vectors(void)
{
    char hex[SHA256_HEX_LEN];
    sha256_hex("abc", 3, hex);
    CHECK_STR_CONTAINS(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(two, strlen(two), hex);
    CHECK_STR_CONTAINS(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    sha256_hex("", 0, hex);
    CHECK_STR_CONTAINS(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    char *million = malloc(1000000);
    CHECK(million != NULL);
    if (!million)
        return;
    memset(million, 'a', 1000000);
    sha256_hex(million, 1000000, hex);
    CHECK_STR_CONTAINS(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

static void sha256_should_give_the_same_digest_streamed_in_pieces(void)
{
    unsigned char msg[1000], one[32], many[32];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 7 + 3);
    sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, msg, sizeof msg);
    sha256_final(&c, one);
    /* pieces of 1, 2, 3, ... bytes cross every block boundary position */
    sha256_init(&c);
    size_t at = 0;
    for (size_t k = 1; at < sizeof msg; k++) {
        size_t n = k < sizeof msg - at ? k : sizeof msg - at;
        sha256_update(&c, msg + at, n);
        at += n;
    }
    sha256_final(&c, many);
    CHECK(memcmp(one, many, 32) == 0);
    /* lengths 55, 56, 63, 64: the padding edge cases */
    const size_t edge[] = {55, 56, 63, 64};
    for (size_t i = 0; i < 4; i++) {
        char a[SHA256_HEX_LEN], b[SHA256_HEX_LEN];
        sha256_hex(msg, edge[i], a);
        sha256_init(&c);
        sha256_update(&c, msg, edge[i] / 2);
        sha256_update(&c, msg + edge[i] / 2, edge[i] - edge[i] / 2);
        sha256_final(&c, one);
        static const char digits[] = "0123456789abcdef";
        for (int j = 0; j < 32; j++) {
            b[2 * j] = digits[one[j] >> 4];
            b[2 * j + 1] = digits[one[j] & 15];
        }
        b[64] = '\0';
        CHECK_MSG(strcmp(a, b) == 0, "length %zu", edge[i]);
    }
}

int main(void)
{
    TEST(sha256_should_match_fips_180_2_vectors);
    TEST(sha256_should_give_the_same_digest_streamed_in_pieces);
    return check_report();
}
