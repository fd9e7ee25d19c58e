/* jets — names and facts of the hls4ml LHC jet HDF5 layout (Zenodo 3602260), shared by
 * the reader (jets_h5.c), the simulator's writer (h5write.c) and `snac data info`.
 *
 * Keys: jetConstituentList (n, N, 16) float32, jets (n, 59) float64 with the one-hot
 * labels in columns 53..57 (g, q, w, z, t), jetFeatureNames (59 strings),
 * particleFeatureNames (17 strings "j1_px" ... "j1_pdgid"; the 17th is not in the array).
 * Plain tables and small helpers; nothing here allocates except ds_jets_list_files().
 */
#ifndef SNAC_DATASETS_JETS_H
#define SNAC_DATASETS_JETS_H

#include <stddef.h>

enum ds_jet_class { DS_JET_G, DS_JET_Q, DS_JET_W, DS_JET_Z, DS_JET_T, DS_JET_CLASS_COUNT };
extern const char *const ds_jet_class_names[DS_JET_CLASS_COUNT]; /* "g", "q", "w", "z", "t" */

#define DS_JET_N_PFEAT 16       /* features per constituent in jetConstituentList */
#define DS_JET_N_PFEAT_NAMES 17 /* particleFeatureNames also lists pdgid */
#define DS_JET_N_COLS 59        /* columns of `jets` */
#define DS_JET_LABEL_COL 53     /* j_g; j_q, j_w, j_z, j_t follow */

enum ds_jet_pfeat {
    DS_PF_PX, DS_PF_PY, DS_PF_PZ, DS_PF_E, DS_PF_EREL, DS_PF_PT, DS_PF_PTREL, DS_PF_ETA, DS_PF_ETAREL,
    DS_PF_ETAROT, DS_PF_PHI, DS_PF_PHIREL, DS_PF_PHIROT, DS_PF_DELTAR, DS_PF_COSTHETA, DS_PF_COSTHETAREL
};
/* "px", "py", ..., "costhetarel", then "pdgid" (index 16, not stored in the array). */
extern const char *const ds_jet_pfeat_names[DS_JET_N_PFEAT_NAMES];
/* "j_ptfrac", "j_pt", "j_eta", "j_mass", ..., "j_multiplicity" (52), "j_g" ... "j_t", "j_undef". */
extern const char *const ds_jet_col_names[DS_JET_N_COLS];
#define DS_JET_COL_PT 1
#define DS_JET_COL_ETA 2
#define DS_JET_COL_MASS 3
#define DS_JET_COL_MULT 52

/* Index of a constituent feature by name ("pt" or "j1_pt"), or -1 (pdgid is not selectable). */
int ds_jet_pfeat_index(const char *name);

/* Expand files and directories (every *.h5 inside, natural sort by name) into a malloc'd
 * list of malloc'd paths. A directory without .h5 files is an error. */
int ds_jets_list_files(const char *const *paths, size_t n_paths, char ***files, size_t *n_files);
void ds_jets_free_list(char **files, size_t n_files);

/* Shapes of one file's jetConstituentList and jets, and its class counts; validates keys,
 * ranks and shapes like the reader does. */
typedef struct ds_jets_shape {
    size_t n_jets, n_stored, n_pfeat, n_cols;
    size_t class_count[DS_JET_CLASS_COUNT];
} ds_jets_shape;
int ds_jets_describe(const char *path, ds_jets_shape *out);

/* Shapes a jet file may claim (the hls4ml files: 10,000 jets of 100 or 150 constituents);
 * larger headers are refused as malformed before anything is allocated or read. */
#define DS_JETS_MAX_PER_FILE 100000000ULL
#define DS_JETS_MAX_STORED 10000

#endif
