# SPDX-License-Identifier: GPL-3.0-or-later
# One INTERFACE target with the compiler policy; every target links it.
add_library(gatehouse_policy INTERFACE)
add_library(Gatehouse::Policy ALIAS gatehouse_policy)

target_compile_features(gatehouse_policy INTERFACE cxx_std_23)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_definitions(gatehouse_policy INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_KEYWORDS
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    QT_NO_URL_CAST_FROM_STRING
    QT_DISABLE_DEPRECATED_UP_TO=0x060500)

if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(gatehouse_policy INTERFACE
        -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
        -Woverloaded-virtual
        -Wimplicit-fallthrough -Wformat=2)
    # Not for test programs: Qt 6.8's QTRY_* macros narrow a chrono count to int inside the macro.
    target_compile_options(gatehouse_policy INTERFACE
        $<$<NOT:$<BOOL:$<TARGET_PROPERTY:GATEHOUSE_TEST_TARGET>>>:-Wconversion>)
    if(GATEHOUSE_WERROR)
        target_compile_options(gatehouse_policy INTERFACE -Werror)
    endif()
endif()

if(CMAKE_CXX_COMPILER_LAUNCHER STREQUAL "")
    unset(CMAKE_CXX_COMPILER_LAUNCHER)
endif()
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()
