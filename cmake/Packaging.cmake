# SPDX-License-Identifier: GPL-3.0-or-later
# A Debian package with CPack: cd build && cpack -G DEB
set(CPACK_PACKAGE_NAME gatehouse)
set(CPACK_PACKAGE_VENDOR "The Gatehouse developers")
set(CPACK_PACKAGE_CONTACT "Gatehouse maintainers <maintainers@gatehouse.dev>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_HOMEPAGE_URL ${PROJECT_HOMEPAGE_URL})
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${CPACK_PACKAGE_CONTACT}")
# Shared-library dependencies are computed by dpkg-shlibdeps; these are what the program needs
# at run time without linking it: the sandbox and Qt's platform plugins.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "bubblewrap, qt6-qpa-plugins")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gnome-keyring | kwalletmanager, git")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "A gate you can see and control for every action of an AI coding agent
 Gatehouse runs an AI coding agent on a project folder where every action passes a
 permission policy, an approval queue, diff review, an OS sandbox with a filtering
 network proxy, a trust question for new folders, and an audit log.")
include(CPack)
