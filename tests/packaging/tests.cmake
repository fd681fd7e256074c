# SPDX-License-Identifier: GPL-3.0-or-later
# Packaging checks: the desktop entry and metainfo validate, and the Debian package installs
# into a clean Debian 13 root and starts.
find_program(DESKTOP_FILE_VALIDATE desktop-file-validate REQUIRED)
find_program(APPSTREAMCLI appstreamcli REQUIRED)
add_test(NAME packaging.metadata
    COMMAND ${PROJECT_SOURCE_DIR}/packaging/check-metadata.sh
            ${PROJECT_SOURCE_DIR}/resources/${GATEHOUSE_APP_ID}.desktop
            ${PROJECT_SOURCE_DIR}/resources/${GATEHOUSE_APP_ID}.metainfo.xml)
set_tests_properties(packaging.metadata PROPERTIES LABELS packaging)

find_program(DPKG_DEB dpkg-deb)
find_program(DEBOOTSTRAP debootstrap)
if(DPKG_DEB AND DEBOOTSTRAP)
    # The clean root is cached where the configure step's HOME keeps caches, not in the
    # tests' temporary HOME, so that it is made once per machine.
    set(GATEHOUSE_CACHE_DIR "$ENV{HOME}/.cache/gatehouse" CACHE PATH "Where packaging checks cache the clean root")
    add_test(NAME packaging.deb COMMAND ${PROJECT_SOURCE_DIR}/packaging/check-deb.sh ${CMAKE_BINARY_DIR})
    set_tests_properties(packaging.deb PROPERTIES LABELS packaging TIMEOUT 900
        ENVIRONMENT "GATEHOUSE_CACHE_DIR=${GATEHOUSE_CACHE_DIR}")
else()
    message(STATUS "packaging.deb is not registered: it needs dpkg-deb and debootstrap (a Debian system)")
endif()
