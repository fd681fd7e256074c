# SPDX-License-Identifier: GPL-3.0-or-later
# End to end: the real `gatehouse -p` against fake model servers on loopback (tests/core/clients).
add_library(gatehouse_e2esupport STATIC
    ${CMAKE_CURRENT_LIST_DIR}/headlesssupport.cpp ${CMAKE_CURRENT_LIST_DIR}/headlesssupport.h
    ${CMAKE_CURRENT_LIST_DIR}/../app/runsupport.cpp ${CMAKE_CURRENT_LIST_DIR}/../app/runsupport.h)
target_include_directories(gatehouse_e2esupport PUBLIC ${CMAKE_CURRENT_LIST_DIR} ${CMAKE_CURRENT_LIST_DIR}/../app)
target_link_libraries(gatehouse_e2esupport PUBLIC gatehouse_fakemodel gatehouse_testsupport Qt6::Network Qt6::Test)
target_compile_definitions(gatehouse_e2esupport PUBLIC GATEHOUSE_BINARY="$<TARGET_FILE:gatehouse>")
add_dependencies(gatehouse_e2esupport gatehouse)

foreach(name headless headlesserrors replay)
    gatehouse_add_test(NAME e2e.${name} SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_${name}.cpp
        LIBRARIES gatehouse_e2esupport LABELS e2e agent)
endforeach()
