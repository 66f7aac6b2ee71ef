# cJSON for every build.
#
# Linux (and any system with a packaged cJSON): find_package(cJSON CONFIG),
# whose imported target is plain `cjson` (Debian's libcjson-dev).
# Windows cross build: no mingw package of cJSON exists, so cmake/fetch-cjson.sh
# unpacks Debian's source package (with its security patches) and we compile
# cJSON.c into a static library here. The repository holds no copy of cJSON.
set(ODX_CJSON_SOURCE_DIR "" CACHE PATH
  "Directory holding cJSON.c and cJSON.h (cross builds); empty: use find_package")

if(ODX_CJSON_SOURCE_DIR)
  if(NOT EXISTS "${ODX_CJSON_SOURCE_DIR}/cJSON.c")
    message(FATAL_ERROR "ODX_CJSON_SOURCE_DIR=${ODX_CJSON_SOURCE_DIR} has no cJSON.c")
  endif()
  # Headers go under cjson/ so that #include <cjson/cJSON.h> works as on Linux.
  set(_odx_cjson_inc "${CMAKE_BINARY_DIR}/cjson-include")
  file(MAKE_DIRECTORY "${_odx_cjson_inc}/cjson")
  configure_file("${ODX_CJSON_SOURCE_DIR}/cJSON.h" "${_odx_cjson_inc}/cjson/cJSON.h" COPYONLY)
  add_library(cjson STATIC "${ODX_CJSON_SOURCE_DIR}/cJSON.c")
  target_include_directories(cjson PUBLIC "${_odx_cjson_inc}")
  target_include_directories(cjson PRIVATE "${ODX_CJSON_SOURCE_DIR}")
  set_target_properties(cjson PROPERTIES C_STANDARD 99)
else()
  find_package(cJSON CONFIG REQUIRED)
  if(NOT TARGET cjson)
    message(FATAL_ERROR "find_package(cJSON) did not define the target 'cjson'")
  endif()
endif()
