# Warnings (as errors with SNAC_WERROR) and the sanitizer configuration.
# No -ffast-math: it breaks NaN checks and bitwise reproducibility.
add_compile_options(-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
                    -Wno-unused-parameter -Wformat=2 -Wvla)
if(SNAC_WERROR)
  add_compile_options(-Werror)
endif()
if(SNAC_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
# -O2 keeps the float operation order exact; vectorisation is left to OpenBLAS and the loops.
set(CMAKE_C_FLAGS_RELEASE "-O2 -DNDEBUG")
