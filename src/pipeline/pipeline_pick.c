#include "pipeline/pipeline_pick.h"

#include <stdlib.h>

static int by_acc_desc(const void *a, const void *b)
{
    const pipe_cand *x = a, *y = b;
    if (x->acc != y->acc)
        return x->acc > y->acc ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

size_t pipe_pick_per_group(pipe_cand *c, size_t n)
{
    qsort(c, n, sizeof *c, by_acc_desc);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < k && c[j].group != c[i].group)
            j++;
        if (j == k)
            c[k++] = c[i];
    }
    return k;
}

/* a candidate with its rank in its group (0: the group's most accurate) */
typedef struct ranked {
    pipe_cand c;
    size_t rank;
} ranked;

static int by_rank_acc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->rank != y->rank)
        return x->rank < y->rank ? -1 : 1;
    return by_acc_desc(&x->c, &y->c);
}

int pipe_order_round_robin(pipe_cand *c, size_t n)
{
    qsort(c, n, sizeof *c, by_acc_desc);
    ranked *r = malloc((n ? n : 1) * sizeof *r);
    if (!r)
        return -1;
    for (size_t i = 0; i < n; i++) {
        r[i] = (ranked){c[i], 0};
        for (size_t j = 0; j < i; j++)
            r[i].rank += c[j].group == c[i].group;
    }
    qsort(r, n, sizeof *r, by_rank_acc);
    for (size_t i = 0; i < n; i++)
        c[i] = r[i].c;
    free(r);
    return 0;
}
