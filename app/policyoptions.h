// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "policy/policy.h"

#include <QCommandLineOption>
#include <QCommandLineParser>

namespace gatehouse::app {

/// The options every policy verb shares: --project, --settings, --allow, --ask, --deny, --mode,
/// --assume-trusted.
class PolicyCommandLine
{
public:
    /// @p offerAssumeTrusted: whether --assume-trusted exists (not for headless runs, which
    /// refuse untrusted folders).
    explicit PolicyCommandLine(bool offerAssumeTrusted = true)
        : m_offerAssumeTrusted(offerAssumeTrusted)
    {
    }
    void addTo(QCommandLineParser &parser) const;
    /// Fills the options from a processed parser, deciding trust from the trust store unless
    /// --assume-trusted. Returns an error message for bad values.
    Expected<policy::PolicyOptions> read(const QCommandLineParser &parser) const;

private:
    QCommandLineOption m_project{QStringLiteral("project"), QStringLiteral("The project folder (default: the current folder)."),
                                 QStringLiteral("dir")};
    QCommandLineOption m_settings{QStringLiteral("settings"), QStringLiteral("A settings file of the command-line layer (repeatable)."),
                                  QStringLiteral("file")};
    QCommandLineOption m_allow{QStringLiteral("allow"), QStringLiteral("An allow rule (repeatable)."), QStringLiteral("rule")};
    QCommandLineOption m_ask{QStringLiteral("ask"), QStringLiteral("An ask rule (repeatable)."), QStringLiteral("rule")};
    QCommandLineOption m_deny{QStringLiteral("deny"), QStringLiteral("A deny rule (repeatable)."), QStringLiteral("rule")};
    QCommandLineOption m_mode{QStringLiteral("mode"),
                              QStringLiteral("The permission mode: default, acceptEdits, plan, dontAsk, bypassPermissions."),
                              QStringLiteral("mode")};
    QCommandLineOption m_assumeTrusted{QStringLiteral("assume-trusted"),
                                       QStringLiteral("Treat the project folder as trusted (its own allow rules apply).")};
    bool m_offerAssumeTrusted = true;
};

} // namespace gatehouse::app
