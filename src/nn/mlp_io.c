/* mlp_io — the binary format of an nn_mlp (nn_mlp_save / nn_mlp_load, declared in mlp.h).
 *
 * Layout, every integer and float little-endian regardless of the host:
 *
 *   offset  size           field
 *   0       8              magic "SNACMLP\0"
 *   8       4   u32        format version (MLP_FORMAT_VERSION)
 *   12      4   u32        activation (index into nn_act_names)
 *   16      4   u32        batch norm (0 or 1)
 *   20      4   u32        n_hidden
 *   24      8   u64        n_in
 *   32      8   u64        n_out
 *   40      4   f32        dropout
 *   44      4   f32        BN epsilon
 *   48      8*n_hidden u64 hidden widths
 *   ..      8   u64        float count (must match the architecture)
 *   ..      4*count f32    the parameter block in mlp_priv.h order
 *   ..      4   u32        FNV-1a 32 of every byte before it
 *
 * Memory: nn_mlp_save mallocs the blob (plain malloc: the caller frees it with free());
 * nn_mlp_load builds a new model (nn_mlp_free). Workload: one pass over the parameters.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn/mlp.h"
#include "nn/mlp_priv.h"
#include "util/bytes.h"
#include "util/err.h"

#define MLP_MAGIC "SNACMLP"          /* 8 bytes with the terminating NUL */
#define MLP_FORMAT_VERSION 1u
#define MLP_FIXED_HEADER 48u

/* ---------------------------------------------------------------------------------- */
/* checksum (the little-endian primitives are in util/bytes.h) */

static uint32_t fnv1a(const unsigned char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

/* ---------------------------------------------------------------------------------- */
/* save */

int nn_mlp_save(const nn_mlp *m, void **buf, size_t *len)
{
    if (!m || !buf || !len)
        return snac_err_set(SNAC_EINVAL, "mlp_save: NULL argument");
    *buf = NULL;
    *len = 0;
    const nn_arch *a = &m->arch;
    size_t n = MLP_FIXED_HEADER + 8 * a->n_hidden + 8 + 4 * m->n_total + 4;
    unsigned char *p = malloc(n);
    if (!p)
        return snac_err_set(SNAC_ENOMEM, "mlp_save: out of memory for %zu bytes", n);
    memcpy(p, MLP_MAGIC, 8);
    le_put_u32(p + 8, MLP_FORMAT_VERSION);
    le_put_u32(p + 12, (uint32_t)a->act);
    le_put_u32(p + 16, a->batch_norm ? 1u : 0u);
    le_put_u32(p + 20, (uint32_t)a->n_hidden);
    le_put_u64(p + 24, a->n_in);
    le_put_u64(p + 32, a->n_out);
    le_put_f32(p + 40, a->dropout);
    le_put_f32(p + 44, m->bn_eps);
    size_t off = MLP_FIXED_HEADER;
    for (size_t l = 0; l < a->n_hidden; l++, off += 8)
        le_put_u64(p + off, a->hidden[l]);
    le_put_u64(p + off, m->n_total);
    off += 8;
    for (size_t i = 0; i < m->n_total; i++, off += 4)
        le_put_f32(p + off, m->params[i]);
    le_put_u32(p + off, fnv1a(p, off));
    *buf = p;
    *len = n;
    return 0;
}

/* ---------------------------------------------------------------------------------- */
/* load: every check before anything is trusted */

int nn_mlp_load(const void *buf, size_t len, nn_mlp **out)
{
    if (!out)
        return snac_err_set(SNAC_EINVAL, "mlp_load: no output pointer");
    *out = NULL;
    if (!buf)
        return snac_err_set(SNAC_EINVAL, "mlp_load: NULL buffer");
    const unsigned char *p = buf;
    if (len < 8 || memcmp(p, MLP_MAGIC, 8) != 0)
        return snac_err_set(SNAC_EFORMAT, "mlp_load: not a snac model (bad magic, %zu bytes)", len);
    if (len < MLP_FIXED_HEADER)
        return snac_err_set(SNAC_EFORMAT, "mlp_load: truncated header (%zu of %u bytes)", len,
                            MLP_FIXED_HEADER);
    uint32_t version = le_get_u32(p + 8);
    if (version != MLP_FORMAT_VERSION)
        return snac_err_set(SNAC_EFORMAT, "mlp_load: unsupported format version %u (expected %u)",
                            version, MLP_FORMAT_VERSION);
    uint32_t act = le_get_u32(p + 12), bn = le_get_u32(p + 16), n_hidden = le_get_u32(p + 20);
    if (act >= NN_ACT_COUNT || bn > 1 || n_hidden > NN_MAX_HIDDEN)
        return snac_err_set(SNAC_EFORMAT,
                            "mlp_load: corrupt header (activation %u, batch norm %u, %u hidden layers)",
                            act, bn, n_hidden);
    size_t head = MLP_FIXED_HEADER + 8 * (size_t)n_hidden + 8;
    if (len < head)
        return snac_err_set(SNAC_EFORMAT, "mlp_load: truncated header (%zu of %zu bytes)", len, head);

    nn_arch a;
    memset(&a, 0, sizeof a);
    uint64_t n_in = le_get_u64(p + 24), n_out = le_get_u64(p + 32);
    a.act = (enum nn_act)act;
    a.batch_norm = bn == 1;
    a.n_hidden = n_hidden;
    a.dropout = le_get_f32(p + 40);
    float eps = le_get_f32(p + 44);
    if (n_in > NN_MAX_WIDTH || n_out > NN_MAX_WIDTH)
        return snac_err_set(SNAC_EFORMAT, "mlp_load: corrupt sizes (n_in %llu, n_out %llu)",
                            (unsigned long long)n_in, (unsigned long long)n_out);
    a.n_in = (size_t)n_in;
    a.n_out = (size_t)n_out;
    for (size_t l = 0; l < n_hidden; l++) {
        uint64_t w = le_get_u64(p + MLP_FIXED_HEADER + 8 * l);
        if (w > NN_MAX_WIDTH)
            return snac_err_set(SNAC_EFORMAT, "mlp_load: corrupt width %llu of hidden layer %zu",
                                (unsigned long long)w, l);
        a.hidden[l] = (size_t)w;
    }
    if (mlp_arch_check(&a) != 0)
        return snac_err_prefix(SNAC_EFORMAT, "mlp_load: corrupt architecture: ");
    if (!(eps > 0.0f && isfinite(eps)))
        return snac_err_set(SNAC_EFORMAT, "mlp_load: corrupt BN epsilon %g", (double)eps);

    uint64_t count = le_get_u64(p + head - 8);
    size_t n_total = mlp_count_floats(&a), need = head + 4 * n_total + 4;
    if (count != n_total)
        return snac_err_set(SNAC_EFORMAT, "mlp_load: %llu parameters stored, architecture needs %zu",
                            (unsigned long long)count, n_total);
    if (len != need)
        return snac_err_set(SNAC_EFORMAT, "mlp_load: %s blob (%zu bytes, expected %zu)",
                            len < need ? "truncated" : "oversized", len, need);
    uint32_t sum = le_get_u32(p + need - 4), want = fnv1a(p, need - 4);
    if (sum != want)
        return snac_err_set(SNAC_EFORMAT, "mlp_load: checksum mismatch (stored %08x, computed %08x)",
                            sum, want);
    nn_mlp *m;
    int rc = mlp_alloc(&a, &m);
    if (rc)
        return rc;
    m->bn_eps = eps;
    for (size_t i = 0; i < m->n_total; i++)
        m->params[i] = le_get_f32(p + head + 4 * i);
    *out = m;
    return 0;
}
