# budgetperf_records_proto(NAME x PROTO file.proto [DEPENDS imported.proto ...])
#
# Compiles a service's private records proto (the values it keeps in its own
# RocksDB, which no other service reads) into C++ under
# ${CMAKE_CURRENT_BINARY_DIR}/gen, as the library budgetperf_x (alias
# budgetperf::x) for the service's logic library to link. protoc sees the repo
# root first and then proto/, so the records may import budgetperf/v1/*.proto
# and the generated header is included by its repo path, e.g.
# "services/ingestion/ingestion_records.pb.h".
#
# Generated code: the library is not built with the project's warning flags
# (budgetperf_warnings) and its folder is a SYSTEM include directory, so that
# warnings in the generated header do not fail the code including it.
function(budgetperf_records_proto)
  cmake_parse_arguments(R "" "NAME;PROTO" "DEPENDS" ${ARGN})
  set(gen_dir ${CMAKE_CURRENT_BINARY_DIR}/gen)
  file(RELATIVE_PATH rel ${BUDGETPERF_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/${R_PROTO})
  string(REGEX REPLACE "\\.proto$" "" stem ${rel})
  set(srcs ${gen_dir}/${stem}.pb.h ${gen_dir}/${stem}.pb.cc)
  add_custom_command(
    OUTPUT ${srcs}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${gen_dir}
    COMMAND protobuf::protoc --cpp_out=${gen_dir}
            -I ${BUDGETPERF_SOURCE_DIR} -I ${BUDGETPERF_SOURCE_DIR}/proto
            ${CMAKE_CURRENT_SOURCE_DIR}/${R_PROTO}
    DEPENDS ${R_PROTO} ${R_DEPENDS} protobuf::protoc
    COMMENT "Running C++ protocol buffer compiler on ${R_PROTO}"
    VERBATIM)
  set(target budgetperf_${R_NAME})
  add_library(${target} ${srcs})
  add_library(budgetperf::${R_NAME} ALIAS ${target})
  target_include_directories(${target} SYSTEM PUBLIC ${gen_dir})
  target_link_libraries(${target} PUBLIC budgetperf::proto protobuf::libprotobuf)
endfunction()
