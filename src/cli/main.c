/* main — `snac` entry point: global flags, then dispatch to a subcommand. */
#define _GNU_SOURCE /* dladdr */
#include <cblas.h>
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <hdf5.h>

#include "cli/commands.h"
#include "snac_version.h"
#include "util/err.h"
#ifdef SNAC_WITH_MPI
#include "export/export_synth.h"
#include "search/local_mpi.h"
#include "search/search_mpi.h"
#include "util/mpi_farm.h"
#endif

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const command commands[] = {
    {"help", cmd_help, "list commands"},
    {"version", cmd_version, "print the tool version and git revision"},
    {"train", cmd_train, "train an MLP from a YAML config and record it in the store"},
    {"data", cmd_data, "jet data: `data gen` simulates the default dataset, `data info FILE...` describes files"},
    {"predict", cmd_predict, "surrogate estimate of FPGA resources and latency for a spec or stored model"},
    {"ingest", cmd_ingest, "store real synthesis results: csynth.xml/.rpt, vivado_synth.rpt, hls4ml projects, sweep CSVs"},
    {"search", cmd_search, "NSGA-II global search: accuracy, BOPs and surrogate objectives; resumable, parallel"},
    {"runs", cmd_runs, "list the runs of a store: status (a run whose process is gone shows as interrupted), next step"},
    {"pareto", cmd_pareto, "Pareto front of a stored search or local run: table, CSV, JSON"},
    {"local", cmd_local, "local search: QAT + iterative magnitude pruning of chosen trials; bit-exact integer models"},
    {"validate", cmd_validate, "surrogate error statistics against the ingested synthesis results (stored per version)"},
    {"refit", cmd_refit, "refit the surrogate of a toolchain from its synthesis results; activate only if better"},
    {"export", cmd_export, "a quantized model to an hls4ml-layout HLS project (+ --rtl Verilog) with bit-exact test vectors"},
    {"synth", cmd_synth, "Yosys synthesis (UltraScale+) of exported RTL; one synthesis_results row per model, resumable"},
    {"run", cmd_run, "the codesign loop as one resumable run: search -> local -> export -> Yosys -> validate -> refit -> feedback"},
    {"ablate", cmd_ablate, "objective sets (accuracy, +BOPs, +surrogate, +refitted surrogate) compared after synthesis, over seeds"},
    {"report", cmd_report, "one self-contained HTML page with SVG plots: fronts, local search, validation, provenance"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

int cli_fail(const char *cmd)
{
    fprintf(stderr, "snac %s: %s\n", cmd, snac_err_msg());
    return 1;
}

static int cmd_help(int argc, char **argv)
{
    printf("snac — surrogate-guided neural-architecture codesign for FPGAs\n\nusage: snac <command> [options]\n\n");
    for (size_t i = 0; i < N_COMMANDS; i++)
        printf("  %-10s %s\n", commands[i].name, commands[i].summary);
    printf("\n`snac <command> --help` describes a command's options.\n");
    return 0;
}

/* The library a BLAS symbol resolves to in this process (the trainer's sgemm and GSL's dgemm
 * must be OpenBLAS's: the reference CBLAS GSL ships is ~10x slower). */
static const char *blas_of(const char *symbol)
{
    Dl_info info;
    void *p = dlsym(RTLD_DEFAULT, symbol);
    return p && dladdr(p, &info) && info.dli_fname ? info.dli_fname : "not found";
}

static int cmd_version(int argc, char **argv)
{
    printf("snac %s (git %s)\n", SNAC_VERSION, SNAC_GIT_REV);
    printf("BLAS: %s (%s kernels); cblas_sgemm from %s; cblas_dgemm from %s\n", openblas_get_config(),
           openblas_get_corename(), blas_of("cblas_sgemm"), blas_of("cblas_dgemm"));
    return 0;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2) {
        cmd_help(0, NULL);
        return 2;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        name = "help";
    if (strcmp(name, "--version") == 0)
        name = "version";
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(name, commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "snac: unknown command '%s' (try `snac help`)\n", argv[1]);
    return 2;
}

int main(int argc, char **argv)
{
    /* GSL must report through return codes, never abort the process. */
    gsl_set_error_handler_off();
    /* HDF5's exit-time cleanup crashes on a file whose close failed (a full disk: HDF5 1.10
     * H5F__close_cb); every file is closed explicitly, so skip it. Before any other H5 call. */
    H5dont_atexit();
#ifdef SNAC_WITH_MPI
    /* under mpirun/srun: rank 0 runs the command, the other ranks do its jobs (mpi_farm.h) */
    if (mpi_farm_init(&argc, &argv))
        return cli_fail("mpi");
    if (mpi_farm_rank() > 0) {
        const mpi_farm_kind kinds[MPI_FARM_KIND_COUNT] = {[MPI_FARM_SEARCH_TRIAL] = search_mpi_trial_kind,
                                                          [MPI_FARM_SYNTH_PART] = export_synth_mpi_kind,
                                                          [MPI_FARM_LOCAL_CHAIN] = local_mpi_chain_kind};
        return mpi_farm_serve(kinds, sizeof kinds / sizeof kinds[0]);
    }
    int rc = dispatch(argc, argv);
    mpi_farm_finalize(rc);
    return rc;
#else
    return dispatch(argc, argv);
#endif
}
