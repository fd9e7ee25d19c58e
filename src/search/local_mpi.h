/* local_mpi — the local search's chains on MPI ranks; built with SNAC_WITH_MPI. local_run calls
 * local_mpi_run (local_priv.h) under mpirun; this is the worker side for main.c's kinds table.
 * How jobs and results are laid out: local_mpi.c.
 */
#ifndef SNAC_SEARCH_LOCAL_MPI_H
#define SNAC_SEARCH_LOCAL_MPI_H

#include "util/mpi_farm.h"

extern const mpi_farm_kind local_mpi_chain_kind;

#endif
