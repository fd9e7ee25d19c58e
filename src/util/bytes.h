/* bytes — little-endian encoding of integers and IEEE floats into byte buffers.
 *
 * Every versioned blob snacpack stores (models, normalisations, surrogate coefficients,
 * search state) is little-endian whatever the host, so a database moves between machines.
 * Floats travel as their exact bit patterns: a round trip is bit for bit.
 */
#ifndef SNAC_UTIL_BYTES_H
#define SNAC_UTIL_BYTES_H

#include <stdint.h>
#include <string.h>

static inline void le_put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline void le_put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static inline uint32_t le_get_u32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

static inline uint64_t le_get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static inline void le_put_f32(unsigned char *p, float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    le_put_u32(p, u);
}

static inline float le_get_f32(const unsigned char *p)
{
    uint32_t u = le_get_u32(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline void le_put_f64(unsigned char *p, double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    le_put_u64(p, u);
}

static inline double le_get_f64(const unsigned char *p)
{
    uint64_t u = le_get_u64(p);
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

#endif
