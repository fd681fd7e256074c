# SPDX-License-Identifier: GPL-3.0-or-later
# The approval broker (included from core/CMakeLists.txt).
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/bashrule.cpp ${CMAKE_CURRENT_LIST_DIR}/bashrule.h
    ${CMAKE_CURRENT_LIST_DIR}/ruleproposal.cpp ${CMAKE_CURRENT_LIST_DIR}/ruleproposal.h
    ${CMAKE_CURRENT_LIST_DIR}/rulewriter.cpp ${CMAKE_CURRENT_LIST_DIR}/rulewriter.h
)
