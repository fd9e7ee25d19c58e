/* cmd_export — `snac export MODEL --out DIR [--rtl] ...`: a stored quantized model (from
 * `snac local`) to an hls4ml-layout HLS project with test vectors and a manifest, and with
 * --rtl its Verilog (export_project.h). Every bad input is refused before anything is written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/commands.h"
#include "export/export_project.h"
#include "store/db.h"
#include "util/err.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: snac export MODEL --out DIR [--db FILE] [--rtl] [--stages N[,N...]] [--csd-width W]\n"
               "                   [--argmax] [--vectors N] [--seed S] [--part PART] [--clock NS] [--reuse R[,R...]]\n"
               "                   [--strategy latency|resource] [--io-type io_parallel|io_stream]\n"
               "  Write stored quantized model MODEL (a `snac local` iteration) as an hls4ml-layout HLS\n"
               "  project (firmware/, myproject_test.cpp, build_prj.tcl, vivado_synth.tcl), N test vectors\n"
               "  with the integer engine's logits (tb_data/, default 64) and snac_manifest.json.\n"
               "  --rtl: also Verilog-2005 under rtl/ with a test bench; --stages: pipeline register\n"
               "  stages per layer (one value for all, or one per layer; default 1); --csd-width: weights\n"
               "  of at most W bits become CSD shift-adds, wider ones a `*` (default %d; 0 = always `*`);\n"
               "  --argmax: the RTL outputs the class index (lowest on ties) one cycle later, not the logits.\n"
               "  --part/--clock go into the Tcl scripts (default %s, 5 ns); --reuse: the reuse factor\n"
               "  (one for all layers, or one per layer, missing ones 1; default 1), each one hls4ml accepts for the\n"
               "  --strategy (default latency; resource: RF divides n_in*n_out, see the README);\n"
               "  --io-type: io_parallel (arrays, default) or io_stream (hls::stream of nnet::array).\n"
               "  DIR must not exist, be empty, or be an earlier export (overwritten).\n",
            EXPORT_RTL_CSD_MAX_WIDTH, EXPORT_DEFAULT_PART);
}

/* "2" or "1,2,3" into stages[0..n_layers) (one value repeats), each in [1, max]. */
static int parse_list(const char *s, const char *flag, int max, int *stages)
{
    int vals[QUANT_MAX_LAYERS];
    size_t n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 1 || v > max || n == QUANT_MAX_LAYERS || (*end && *end != ','))
            return snac_err_set(SNAC_EINVAL, "%s expects integers in [1, %d] separated by commas, got '%s'", flag,
                                max, s);
        vals[n++] = (int)v;
        p = *end ? end + 1 : end;
    }
    if (n == 0)
        return snac_err_set(SNAC_EINVAL, "%s expects integers in [1, %d], got '%s'", flag, max, s);
    for (size_t l = 0; l < QUANT_MAX_LAYERS; l++)
        stages[l] = n == 1 ? vals[0] : (l < n ? vals[l] : 0); /* 0: missing, refused per layer */
    return 0;
}

/* A bad option value or argument: the message, and the usage exit status 2. */
static int usage_fail(void)
{
    cli_fail("export");
    return 2;
}

int cmd_export(int argc, char **argv)
{
    export_opts o = EXPORT_OPTS_INIT;
    const char *db_file = "snac.db", *out = NULL;
    static const struct option opts[] = {
        {"db", required_argument, NULL, 'd'},      {"out", required_argument, NULL, 'o'},
        {"rtl", no_argument, NULL, 'r'},           {"stages", required_argument, NULL, 'S'},
        {"csd-width", required_argument, NULL, 'C'}, {"vectors", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},    {"part", required_argument, NULL, 'P'},
        {"clock", required_argument, NULL, 'k'},   {"reuse", required_argument, NULL, 'R'},
        {"argmax", no_argument, NULL, 'A'},        {"help", no_argument, NULL, 'h'},
        {"strategy", required_argument, NULL, 'T'}, {"io-type", required_argument, NULL, 'I'},
        {NULL, 0, NULL, 0}};
    int ch;
    uint64_t u;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "d:o:h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd': db_file = optarg; break;
        case 'o': out = optarg; break;
        case 'r': o.rtl = true; break;
        case 'A': o.rtl_opts.argmax = true; break;
        case 'S':
            if (parse_list(optarg, "--stages", EXPORT_RTL_MAX_STAGES, o.rtl_opts.stages))
                return usage_fail();
            break;
        case 'C':
            if (cli_arg_uint("--csd-width", optarg, 0, 32, &u))
                return usage_fail();
            o.rtl_opts.csd_max_width = (int)u;
            break;
        case 'n':
            if (cli_arg_uint("--vectors", optarg, 1, 100000, &u))
                return usage_fail();
            o.n_vectors = (size_t)u;
            break;
        case 's':
            if (cli_arg_uint("--seed", optarg, 0, UINT64_MAX, &o.seed))
                return usage_fail();
            break;
        case 'P': o.part = optarg; break;
        case 'k':
            if (cli_arg_double("--clock", optarg, 0.01, 1000.0, &o.clock_ns))
                return usage_fail();
            break;
        case 'R': {
            int rf[QUANT_MAX_LAYERS];
            if (parse_list(optarg, "--reuse", 1 << 20, rf))
                return usage_fail();
            for (size_t l = 0; l < QUANT_MAX_LAYERS; l++)
                o.reuse[l] = (unsigned)rf[l]; /* 0 (missing): the default, 1 */
            break;
        }
        case 'T':
        case 'I': {
            const char *const *names = ch == 'T' ? export_strategy_names : export_io_names;
            const int count = ch == 'T' ? EXPORT_STRATEGY_COUNT : EXPORT_IO_COUNT;
            int k = 0;
            while (k < count && strcmp(optarg, names[k]) != 0)
                k++;
            if (k == count) {
                snac_err_set(SNAC_EINVAL, "%s expects %s or %s, got '%s'", ch == 'T' ? "--strategy" : "--io-type",
                             names[0], names[1], optarg);
                return usage_fail();
            }
            if (ch == 'T')
                o.strategy = (enum export_strategy)k;
            else
                o.io_type = (enum export_io)k;
            break;
        }
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!out || optind + 1 != argc) {
        usage(stderr);
        return 2;
    }
    uint64_t id;
    if (cli_arg_uint("MODEL", argv[optind], 1, INT64_MAX, &id))
        return usage_fail();
    snac_db *db;
    if (db_open_existing(db_file, &db))
        return cli_fail("export");
    export_result r;
    int rc = export_model(db, (int64_t)id, &o, out, &r);
    db_close(db);
    if (rc)
        return cli_fail("export");
    printf("model %llu: %zu layers, %zu of %zu weights nonzero; HLS project (%s, %s) in %s (%zu test vectors)\n",
           (unsigned long long)id, r.n_layers, r.nonzero, r.macs, export_strategy_names[o.strategy],
           export_io_names[o.io_type], out, o.n_vectors);
    if (o.rtl)
        printf("RTL in %s/rtl: latency %d cycles, II 1; weights: %zu zero, %zu shift, %zu CSD (%zu adders), %zu "
               "multiply, %zu in %zu unread neurons (not built)\n",
               out, r.rtl.latency_cycles, r.rtl.zero, r.rtl.shift, r.rtl.csd, r.rtl.csd_adders, r.rtl.mult,
               r.rtl.unused_weights, r.rtl.unused_neurons);
    return 0;
}
