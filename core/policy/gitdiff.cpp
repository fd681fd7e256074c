// SPDX-License-Identifier: GPL-3.0-or-later
// What `git diff` without revisions can print, against the Read deny rules (SECURITY-MODEL.md
// section 4, step 6): the paths of the index and of HEAD's tree, looked at through libgit2.
#include "policy/engine.h"

#include "shell/commands.h"
#include "vcs/trackedpaths.h"

#include <algorithm>

namespace gatehouse::policy {

bool Engine::gitDiffShowsNoDeniedFile(const shell::NormalisedCommand &command, const QStringList &folders) const
{
    // -C, --git-dir, --work-tree, -c and assignments (GIT_DIR=, GIT_INDEX_FILE=) point git at
    // another repository or index than the one looked at here.
    const bool plainGit = std::all_of(command.gitGlobalOptions.begin(), command.gitGlobalOptions.end(), [](const QString &option) {
        return option == QStringLiteral("--no-pager") || option == QStringLiteral("-P");
    });
    if (!plainGit || !command.assignments.isEmpty() || !command.envOptions.isEmpty() || folders.size() != 1
        || !inWorkspace(folders.first(), folders.first()))
        return false;
    return !readDenyCoversTrackedFile(folders.first());
}

bool Engine::readDenyCoversTrackedFile(const QString &folder) const
{
    // Anything that cannot be known counts as covered: the command then asks, as before.
    const auto stamp = vcs::trackedStamp(folder);
    if (!stamp || !*stamp)
        return true;
    {
        const std::lock_guard lock(m_trackedCache->mutex);
        const auto it = m_trackedCache->byWorkDir.constFind((*stamp)->workDir);
        if (it != m_trackedCache->byWorkDir.constEnd() && it->first == (*stamp)->stamp)
            return it->second;
    }
    const auto tracked = vcs::trackedPaths(folder);
    if (!tracked || !*tracked)
        return true;
    const QString &workDir = (*tracked)->stamp.workDir;
    bool covered = (*tracked)->hasSubmodules;
    if (!covered && readDenyMayCoverBelow(workDir)) {
        for (const QString &relative : std::as_const((*tracked)->paths)) {
            // git prints a tracked link's target as text and never follows links of the working
            // tree, so the path as tracked is all that can be printed.
            const QString path = workDir + u'/' + relative;
            covered = matchPathRule(Verdict::Deny, QStringLiteral("Read"), path, path, false) != nullptr;
            for (const PathPattern &pattern : m_denyReadPatterns)
                covered = covered || pattern.matches(path);
            if (covered)
                break;
        }
    }
    // Stored under the stamp taken before reading: if the repository changed meanwhile, the next
    // decision sees another stamp and reads again.
    const std::lock_guard lock(m_trackedCache->mutex);
    m_trackedCache->byWorkDir.insert(workDir, {(*tracked)->stamp.stamp, covered});
    return covered;
}

} // namespace gatehouse::policy
