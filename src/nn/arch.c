/* arch — names and counts of an MLP architecture; see arch.h. */
#include "nn/arch.h"

#include <stdio.h>
#include <string.h>

const char *const nn_act_names[NN_ACT_COUNT] = {"relu", "tanh", "sigmoid"};

int nn_act_from_name(const char *name)
{
    for (int i = 0; i < NN_ACT_COUNT; i++)
        if (strcmp(name, nn_act_names[i]) == 0)
            return i;
    return -1;
}

size_t nn_arch_macs(const nn_arch *a)
{
    size_t macs = 0, prev = a->n_in;
    for (size_t l = 0; l < a->n_hidden; l++) {
        macs += prev * a->hidden[l];
        prev = a->hidden[l];
    }
    return macs + prev * a->n_out;
}

size_t nn_arch_params(const nn_arch *a)
{
    size_t p = 0, prev = a->n_in;
    for (size_t l = 0; l < a->n_hidden; l++) {
        p += prev * a->hidden[l] + a->hidden[l];
        if (a->batch_norm)
            p += 2 * a->hidden[l];
        prev = a->hidden[l];
    }
    return p + prev * a->n_out + a->n_out;
}

size_t nn_arch_json(const nn_arch *a, char *buf, size_t cap)
{
    size_t n = (size_t)snprintf(buf, cap, "{\"n_in\":%zu,\"hidden\":[", a->n_in);
    for (size_t l = 0; l < a->n_hidden; l++)
        n += (size_t)snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0, "%s%zu", l ? "," : "", a->hidden[l]);
    n += (size_t)snprintf(n < cap ? buf + n : NULL, n < cap ? cap - n : 0,
                          "],\"n_out\":%zu,\"activation\":\"%s\",\"batch_norm\":%s,\"dropout\":%.9g}", a->n_out,
                          nn_act_names[a->act], a->batch_norm ? "true" : "false", (double)a->dropout);
    return n;
}
