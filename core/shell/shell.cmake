# SPDX-License-Identifier: GPL-3.0-or-later
# The shell parser's sources, added to gatehouse_core (included from core/CMakeLists.txt).
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/syntax.h
)
