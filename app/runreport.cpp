// SPDX-License-Identifier: GPL-3.0-or-later
#include "runreport.h"

#include "sandbox/sandboxprocess.h"

#include <QString>

#include <cstdio>

namespace gatehouse::app {
namespace {

void say(const QString &text)
{
    std::fputs(text.toLocal8Bit().constData(), stderr);
}

} // namespace

bool reportStaging(sandbox::SandboxProcess &process, bool landHeld)
{
    const auto staging = process.staging();
    if (!process.staged() && !process.fallbackReason().isEmpty())
        say(QStringLiteral("gatehouse run: writes were not staged (%1): the fallback kept protected paths read-only\n")
                .arg(process.fallbackReason()));
    const sandbox::LandingResult &landing = process.landing();
    for (const sandbox::StagedChange &change : landing.conflicts)
        say(QStringLiteral("gatehouse run: conflict: %1 (%2); the command's version is kept at %3\n")
                .arg(change.path(), change.held, change.staged.isEmpty() ? QStringLiteral("(nothing to keep)") : change.staged));
    bool ok = true;
    for (const QString &error : landing.errors) {
        say(QStringLiteral("gatehouse run: not landed: %1\n").arg(error));
        ok = false;
    }
    if (!staging)
        return ok;
    const QList<sandbox::StagedChange> held = staging->held();
    for (const sandbox::StagedChange &change : held)
        say(QStringLiteral("gatehouse run: held: %1 %2: %3\n").arg(change.path(), change.verb(), change.held));
    if (held.isEmpty())
        return ok;
    if (!landHeld) {
        staging->discardHeld();
        say(QStringLiteral("gatehouse run: %1 held change(s) discarded (--land-held lands them)\n").arg(held.size()));
        return ok;
    }
    const sandbox::LandingResult landed = staging->landHeld();
    for (const sandbox::StagedChange &change : landed.conflicts)
        say(QStringLiteral("gatehouse run: conflict: %1 (%2)\n").arg(change.path(), change.held));
    for (const QString &error : landed.errors) {
        say(QStringLiteral("gatehouse run: not landed: %1\n").arg(error));
        ok = false;
    }
    say(QStringLiteral("gatehouse run: %1 held change(s) landed\n").arg(landed.landed.size()));
    return ok;
}

} // namespace gatehouse::app
