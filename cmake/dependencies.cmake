# Every library vaesweep needs except LibTorch, each through an imported target. Shared by the
# main build (CMakeLists.txt) and the sanitizer tree (fuzz/CMakeLists.txt), which builds the
# torch-free rooms with clang's sanitizers and must find the same libraries the same way.
find_package(MPI REQUIRED COMPONENTS C CXX)
find_package(HDF5 REQUIRED COMPONENTS C)
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(tomlplusplus REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
# zlib's crc32 checks each frame of the crash-safe shard journals.
find_package(ZLIB REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(FFTW3 REQUIRED IMPORTED_TARGET fftw3)
pkg_check_modules(SAMPLERATE REQUIRED IMPORTED_TARGET samplerate)
# libsoxr: the default resampler (features.resample = "soxr_hq"), as in librosa >= 0.10.
pkg_check_modules(SOXR REQUIRED IMPORTED_TARGET soxr)
# FFmpeg's libraries: decoding what libsndfile does not (AAC/M4A, WMA, ...).
# FFmpeg >= 5.1 (AVChannelLayout, swr_alloc_set_opts2): Debian 12's.
pkg_check_modules(FFMPEG REQUIRED IMPORTED_TARGET libavformat>=59.27 libavcodec>=59.37 libswresample>=4.7 libavutil>=57.28)
# Spectra (header-only iterative eigensolvers, for spectral clustering and UMAP's initialisation).
find_package(spectra REQUIRED PATHS /usr/share/spectra/cmake)
# libcsv (RFC 4180 CSV) ships no CMake or pkg-config file: make an imported target for it.
find_path(LIBCSV_INCLUDE_DIR csv.h REQUIRED)
find_library(LIBCSV_LIBRARY csv REQUIRED)
add_library(libcsv::libcsv UNKNOWN IMPORTED)
set_target_properties(libcsv::libcsv PROPERTIES
  IMPORTED_LOCATION "${LIBCSV_LIBRARY}" INTERFACE_INCLUDE_DIRECTORIES "${LIBCSV_INCLUDE_DIR}")
find_package(nlohmann_json 3 REQUIRED)  # JSON output of vaesweep rank
# CBLAS for the batched MLP engine's GEMMs (models/batched_mlp_kernels.cpp) and the randomized
# SVD. Generic: the libblas.so.3 that LibTorch already loads, which Debian points at OpenBLAS
# (alternatives); cblas.h comes with libblas-dev.
set(BLA_VENDOR Generic)
find_package(BLAS REQUIRED)
find_path(VAESWEEP_CBLAS_INCLUDE_DIR cblas.h REQUIRED)
