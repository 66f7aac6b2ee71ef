# Cross-compile odxprobe for 64-bit Windows with mingw-w64 (Debian's
# gcc-mingw-w64-x86-64), in the spirit of libuv's
# cmake-toolchains/cross-mingw32.cmake.
#
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64-x86_64.cmake ...
#
# Executables are linked statically (C runtime glue, libgcc) so that a .exe
# runs on a bare Windows or Wine without mingw DLLs beside it. When Wine is
# installed it becomes the emulator, so CTest runs the test .exe files.
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(ODX_MINGW_PREFIX x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${ODX_MINGW_PREFIX}-gcc)
set(CMAKE_RC_COMPILER ${ODX_MINGW_PREFIX}-windres)

# Search headers and libraries in the mingw sysroot only, programs on the host.
set(CMAKE_FIND_ROOT_PATH /usr/${ODX_MINGW_PREFIX})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static -static-libgcc")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "-static -static-libgcc")

if(NOT CMAKE_CROSSCOMPILING_EMULATOR)
  find_program(ODX_WINE_PROGRAM NAMES wine wine64 DOC "Wine, to run Windows test programs")
  if(ODX_WINE_PROGRAM)
    set(CMAKE_CROSSCOMPILING_EMULATOR "${ODX_WINE_PROGRAM}")
  endif()
endif()
