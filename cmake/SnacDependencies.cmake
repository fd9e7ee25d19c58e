# System libraries, all from Debian packages (see build.sh).
find_package(PkgConfig REQUIRED)
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
pkg_check_modules(SQLITE3  REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(GSL      REQUIRED IMPORTED_TARGET gsl)
pkg_check_modules(YAML     REQUIRED IMPORTED_TARGET yaml-0.1)
find_package(HDF5 REQUIRED COMPONENTS C)
find_package(Threads REQUIRED)
if(SNAC_WITH_MPI)
  find_package(MPI REQUIRED COMPONENTS C)   # Debian: libopenmpi-dev
endif()

# GSL without its reference CBLAS: both libgsl and OpenBLAS define cblas_*, and the symbol
# search follows the program's direct libraries in link order. Linking libgslcblas directly
# once let it come first, and the trainer's cblas_sgemm ran the slow reference code (a search
# 10x slower). libgsl still pulls libgslcblas in as its own dependency, but that is searched
# after every direct library, so OpenBLAS serves the trainer and GSL's fits alike.
find_library(SNAC_LIBGSL NAMES gsl HINTS ${GSL_LIBRARY_DIRS} REQUIRED)
add_library(snac_gsl INTERFACE)
target_include_directories(snac_gsl INTERFACE ${GSL_INCLUDE_DIRS})
target_link_libraries(snac_gsl INTERFACE PkgConfig::OPENBLAS ${SNAC_LIBGSL} m)
