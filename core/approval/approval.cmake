# SPDX-License-Identifier: GPL-3.0-or-later
# The approval broker: pending requests, rule proposals, "always" rules written to settings
# (included from core/CMakeLists.txt).
target_sources(gatehouse_core PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/approvalbroker.cpp ${CMAKE_CURRENT_LIST_DIR}/approvalbroker.h
    ${CMAKE_CURRENT_LIST_DIR}/approvalrequest.h
    ${CMAKE_CURRENT_LIST_DIR}/bashrule.cpp ${CMAKE_CURRENT_LIST_DIR}/bashrule.h
    ${CMAKE_CURRENT_LIST_DIR}/ruleproposal.cpp ${CMAKE_CURRENT_LIST_DIR}/ruleproposal.h
    ${CMAKE_CURRENT_LIST_DIR}/rulewriter.cpp ${CMAKE_CURRENT_LIST_DIR}/rulewriter.h
)
