# SPDX-License-Identifier: GPL-3.0-or-later
# The shell parser's sources, added to gatehouse_core (included from core/CMakeLists.txt).
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/syntax.h
    ${CMAKE_CURRENT_LIST_DIR}/awkprogram.cpp
    ${CMAKE_CURRENT_LIST_DIR}/awkprogram_p.h
    ${CMAKE_CURRENT_LIST_DIR}/gitoptions.cpp
    ${CMAKE_CURRENT_LIST_DIR}/linerisks.cpp
    ${CMAKE_CURRENT_LIST_DIR}/options.cpp
    ${CMAKE_CURRENT_LIST_DIR}/options_p.h
    ${CMAKE_CURRENT_LIST_DIR}/optionrisks.cpp
    ${CMAKE_CURRENT_LIST_DIR}/optiontables.cpp
    ${CMAKE_CURRENT_LIST_DIR}/readonly_p.h
    ${CMAKE_CURRENT_LIST_DIR}/readonlysystem.cpp
    ${CMAKE_CURRENT_LIST_DIR}/readonlytools.cpp
    ${CMAKE_CURRENT_LIST_DIR}/risks_p.h
    ${CMAKE_CURRENT_LIST_DIR}/variables.cpp
    ${CMAKE_CURRENT_LIST_DIR}/writes.cpp
)
