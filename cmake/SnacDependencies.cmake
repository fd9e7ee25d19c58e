# System libraries, all from Debian packages (see build.sh).
find_package(PkgConfig REQUIRED)
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
pkg_check_modules(SQLITE3  REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(GSL      REQUIRED IMPORTED_TARGET gsl)
pkg_check_modules(YAML     REQUIRED IMPORTED_TARGET yaml-0.1)
find_package(HDF5 REQUIRED COMPONENTS C)
find_package(Threads REQUIRED)
