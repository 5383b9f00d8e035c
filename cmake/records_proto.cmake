# budgetperf_records_proto(<var> <file.proto> [DEPENDS imported.proto ...])
#
# Compiles a service's private records proto (the values it keeps in its own
# RocksDB, which no other service reads) into C++ under
# ${CMAKE_CURRENT_BINARY_DIR}/gen. protoc sees the repo root first and then
# proto/, so the records may import budgetperf/v1/*.proto and the generated
# header is included by its repo path, e.g.
# "services/ingestion/ingestion_records.pb.h". Sets <var> to the generated
# sources (add them to the library) and <var>_DIR to the folder to add to its
# include directories.
function(budgetperf_records_proto VAR PROTO)
  cmake_parse_arguments(R "" "" "DEPENDS" ${ARGN})
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/gen)
  file(RELATIVE_PATH rel ${BUDGETPERF_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/${PROTO})
  string(REGEX REPLACE "\\.proto$" "" stem ${rel})
  set(srcs ${gen_dir}/${stem}.pb.h ${gen_dir}/${stem}.pb.cc)
  add_custom_command(
    OUTPUT ${srcs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${gen_dir}
    COMMAND protobuf::protoc --cpp_out=${gen_dir}
            -I ${BUDGETPERF_SOURCE_DIR} -I ${BUDGETPERF_SOURCE_DIR}/proto
            ${CMAKE_CURRENT_SOURCE_DIR}/${PROTO}
    DEPENDS ${PROTO} ${R_DEPENDS} protobuf::protoc
    COMMENT "Running C++ protocol buffer compiler on ${PROTO}"
    VERBATIM)
  set(${VAR} ${srcs} PARENT_SCOPE)
  set(${VAR}_DIR ${gen_dir} PARENT_SCOPE)
endfunction()
