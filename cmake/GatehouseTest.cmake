# SPDX-License-Identifier: GPL-3.0-or-later
# gatehouse_add_test(NAME area.name SOURCES tst_x.cpp LIBRARIES lib... [LABELS ...] [ENVIRONMENT ...] [ARGS ...])
# Makes one test executable from one tst_*.cpp, linked to the library under test and Qt Test,
# and registers it with ctest.
function(gatehouse_add_test)
    cmake_parse_arguments(T "" "NAME;TARGET" "SOURCES;LIBRARIES;LABELS;ENVIRONMENT;ARGS;DEFINITIONS" ${ARGN})
    if(NOT T_TARGET)
        list(GET T_SOURCES 0 first)
        get_filename_component(T_TARGET ${first} NAME_WE)
    endif()
    if(NOT TARGET ${T_TARGET})
        qt_add_executable(${T_TARGET} ${T_SOURCES})
        target_link_libraries(${T_TARGET} PRIVATE Gatehouse::Policy Qt6::Test ${T_LIBRARIES})
        set_target_properties(${T_TARGET} PROPERTIES GATEHOUSE_TEST_TARGET ON)
        target_compile_definitions(${T_TARGET} PRIVATE
            GATEHOUSE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
            ${T_DEFINITIONS})
    endif()
    add_test(NAME ${T_NAME} COMMAND ${T_TARGET} ${T_ARGS})
    set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT 300)
    if(T_ENVIRONMENT)
        set_tests_properties(${T_NAME} PROPERTIES ENVIRONMENT "${T_ENVIRONMENT}")
    endif()
endfunction()
