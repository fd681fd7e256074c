// SPDX-License-Identifier: GPL-3.0-or-later
#include "agent/clients/replayclient.h"

#include "log/logging.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace gatehouse::agent {

namespace {

constexpr int ChunksPerText = 3;

std::optional<ModelError::Kind> errorKindFromName(const QString &name)
{
    using Kind = ModelError::Kind;
    for (Kind kind : {Kind::Authentication, Kind::Permission, Kind::RateLimited, Kind::Overloaded,
                      Kind::InvalidRequest, Kind::Server, Kind::Network, Kind::BadResponse, Kind::Cancelled}) {
        if (modelErrorKindName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

Expected<ReplayTurn> parseTurn(const QJsonObject &json)
{
    ReplayTurn turn;
    if (json.contains(QStringLiteral("error"))) {
        const QJsonObject error = json.value(QStringLiteral("error")).toObject();
        const QString kindName = error.value(QStringLiteral("kind")).toString();
        const auto kind = errorKindFromName(kindName);
        if (!kind)
            return fail(QStringLiteral("unknown error kind \"%1\" (use authentication, permission, rate-limited, "
                                       "overloaded, invalid-request, server, network or bad-response)")
                            .arg(kindName));
        turn.error = ModelError{*kind, error.value(QStringLiteral("message")).toString(kindName),
                                error.value(QStringLiteral("http_status")).toInt()};
        return turn;
    }
    if (!json.value(QStringLiteral("content")).isArray())
        return fail(QStringLiteral("a turn needs a \"content\" list or an \"error\""));
    ModelReply reply;
    reply.message.role = Role::Assistant;
    for (const QJsonValue &value : json.value(QStringLiteral("content")).toArray()) {
        auto block = ContentBlock::fromJson(value.toObject());
        if (!block)
            return std::unexpected(block.error());
        if (block->type == ContentBlock::Type::ToolResult)
            return fail(QStringLiteral("a model's reply cannot hold a tool_result block"));
        reply.message.content.append(*block);
    }
    const QString stop = json.value(QStringLiteral("stop_reason")).toString();
    if (stop.isEmpty()) {
        reply.stopReason = reply.message.toolUses().isEmpty() ? StopReason::EndTurn : StopReason::ToolUse;
    } else {
        reply.stopReason = stopReasonFromName(stop);
        if (reply.stopReason == StopReason::Other && stop != QStringLiteral("other"))
            return fail(QStringLiteral("unknown stop_reason \"%1\"").arg(stop));
    }
    const QJsonObject usage = json.value(QStringLiteral("usage")).toObject();
    reply.usage.inputTokens = usage.value(QStringLiteral("input_tokens")).toInteger();
    reply.usage.outputTokens = usage.value(QStringLiteral("output_tokens")).toInteger();
    reply.model = json.value(QStringLiteral("model")).toString(QStringLiteral("replay"));
    turn.reply = reply;
    return turn;
}

/// A text in about ChunksPerText pieces, cut between characters (never inside a surrogate pair).
QStringList chunks(const QString &text)
{
    QStringList pieces;
    const qsizetype size = std::max<qsizetype>(1, (text.size() + ChunksPerText - 1) / ChunksPerText);
    for (qsizetype start = 0; start < text.size();) {
        qsizetype end = std::min(text.size(), start + size);
        if (end < text.size() && text.at(end).isLowSurrogate())
            ++end;
        pieces.append(text.mid(start, end - start));
        start = end;
    }
    return pieces;
}

} // namespace

ReplayClient::ReplayClient(const QString &filePath, QObject *parent)
    : ModelClient(parent)
    , m_fileName(QFileInfo(filePath).fileName())
{
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &ReplayClient::step);
    auto turns = loadScript(filePath);
    if (turns)
        m_turns = *turns;
    else
        m_loadError = turns.error().message;
}

ReplayClient::~ReplayClient() = default;

Expected<QList<ReplayTurn>> ReplayClient::loadScript(const QString &filePath)
{
    QFile file(filePath);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("Cannot read the replay file %1: %2").arg(filePath, file.errorString()));
    return parseScript(file.readAll(), QFileInfo(filePath).fileName());
}

Expected<QList<ReplayTurn>> ReplayClient::parseScript(const QByteArray &contents, const QString &name)
{
    QList<ReplayTurn> turns;
    const QList<QByteArray> lines = contents.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const int number = int(i + 1);
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
        if (!document.isObject())
            return fail(QStringLiteral("The replay file %1, line %2: not a JSON object (%3).")
                            .arg(name, QString::number(number), parseError.errorString()));
        auto turn = parseTurn(document.object());
        if (!turn)
            return fail(QStringLiteral("The replay file %1, line %2: %3.")
                            .arg(name, QString::number(number), turn.error().message));
        turn->line = number;
        turns.append(*turn);
    }
    if (turns.isEmpty())
        return fail(QStringLiteral("The replay file %1 has no turns.").arg(name));
    return turns;
}

QString ReplayClient::displayName() const
{
    return QStringLiteral("Replay of %1 (scripted, not a model)").arg(m_fileName);
}

void ReplayClient::send(const ModelRequest &request)
{
    if (m_busy) {
        log::logger("agent")->warn("a replay request was sent while another one is in flight; ignored");
        return;
    }
    m_busy = true;
    m_concluded = false;
    m_steps.clear();
    if (!m_loadError.isEmpty()) {
        failWith(ModelError{ModelError::Kind::BadResponse, m_loadError, 0});
    } else if (const QString id = unansweredToolUse(request); !id.isEmpty()) {
        failWith(ModelError{ModelError::Kind::InvalidRequest,
                        QStringLiteral("The request does not answer tool_use %1 of the previous reply: the replay "
                                       "expects a tool_result for every tool_use, in the last user message.")
                            .arg(id),
                        400});
    } else if (m_next >= m_turns.size()) {
        failWith(ModelError{ModelError::Kind::BadResponse,
                        QStringLiteral("The replay %1 has no more turns (it has %2).")
                            .arg(m_fileName, QString::number(m_turns.size())),
                        0});
    } else {
        play(m_turns.at(m_next++));
    }
    m_timer.start();
}

void ReplayClient::cancel()
{
    if (!m_busy || m_concluded)
        return;
    m_steps.clear();
    failWith(ModelError{ModelError::Kind::Cancelled, QStringLiteral("Cancelled."), 0});
}

QString ReplayClient::unansweredToolUse(const ModelRequest &request) const
{
    if (m_pendingToolUses.isEmpty())
        return {};
    QStringList answered;
    if (!request.messages.isEmpty() && request.messages.last().role == Role::User) {
        for (const ContentBlock &block : request.messages.last().content) {
            if (block.type == ContentBlock::Type::ToolResult)
                answered.append(block.id);
        }
    }
    for (const QString &id : m_pendingToolUses) {
        if (!answered.contains(id))
            return id;
    }
    return {};
}

void ReplayClient::play(const ReplayTurn &turn)
{
    if (turn.error) {
        failWith(*turn.error);
        return;
    }
    for (const ContentBlock &block : turn.reply->message.content) {
        if (block.type == ContentBlock::Type::Text) {
            for (const QString &piece : chunks(block.text))
                m_steps.emplace_back([this, piece] { Q_EMIT textDelta(piece); });
        } else if (block.type == ContentBlock::Type::ToolUse) {
            m_steps.emplace_back([this, id = block.id, name = block.name] { Q_EMIT toolUseStarted(id, name); });
        }
    }
    m_steps.emplace_back([this, reply = *turn.reply] {
        m_concluded = true;
        m_busy = false;
        m_pendingToolUses.clear();
        for (const ContentBlock &use : reply.message.toolUses())
            m_pendingToolUses.append(use.id);
        Q_EMIT replyFinished(reply);
    });
}

void ReplayClient::failWith(ModelError error)
{
    m_steps.emplace_back([this, error] {
        m_concluded = true;
        m_busy = false;
        Q_EMIT replyFailed(error);
    });
    // Once failing, nothing else may change the outcome; cancel() after this is too late.
    m_concluded = true;
}

void ReplayClient::step()
{
    if (m_steps.empty()) {
        m_timer.stop();
        return;
    }
    auto next = std::move(m_steps.front());
    m_steps.pop_front();
    next();
    if (m_steps.empty())
        m_timer.stop();
}

} // namespace gatehouse::agent
