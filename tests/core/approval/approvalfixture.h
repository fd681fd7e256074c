// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once
// What the broker's tests share: a home, a project and a config folder of their own, and the
// agent's side of a request (submit a call, hear the answer).

#include "approval/approvalbroker.h"
#include "policy/engine.h"

#include "policyfolders.h"

#include <QDir>
#include <QFile>
#include <QJsonObject>

#include <memory>
#include <optional>

namespace approvaltest {

using namespace gatehouse;
using namespace gatehouse::approval;
using namespace gatehouse::policy;
using Kind = ApprovalAnswer::Kind;

struct Fixture : gatehouse::test::PolicyFolders
{
    QString fileOf(Layer layer) const
    {
        switch (layer) {
        case Layer::Local:
            return project() + QStringLiteral("/.gatehouse/settings.local.json");
        case Layer::Project:
            return project() + QStringLiteral("/.gatehouse/settings.json");
        default:
            return config() + QStringLiteral("/settings.json");
        }
    }
};

inline ToolCall bash(const QString &command)
{
    return ToolCall{QStringLiteral("Bash"), QJsonObject{{QStringLiteral("command"), command}}};
}

// A request as the agent makes one: the call and what the engine said about it.
inline ApprovalRequest requestFor(const ApprovalBroker &broker, const ToolCall &call)
{
    ApprovalRequest request;
    request.call = call;
    request.decision = Engine(broker.policy()).decide(call);
    request.modelDescription = QStringLiteral("the model's words");
    return request;
}

// Submits @p call and records the answer the agent hears.
struct Submitted
{
    quint64 id = 0;
    std::shared_ptr<std::optional<ApprovalAnswer>> heard = std::make_shared<std::optional<ApprovalAnswer>>();
};

inline Submitted submit(ApprovalBroker &broker, const ToolCall &call)
{
    Submitted submitted;
    auto heard = submitted.heard;
    submitted.id = broker.submit(requestFor(broker, call), [heard](const ApprovalAnswer &answer) { *heard = answer; });
    return submitted;
}

inline ApprovalAnswer answerOf(Kind kind, Layer layer = Layer::Local, QStringList rules = {}, QString feedback = {})
{
    ApprovalAnswer answer;
    answer.kind = kind;
    answer.layer = layer;
    answer.rules = std::move(rules);
    answer.feedback = std::move(feedback);
    return answer;
}

inline QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace approvaltest
