// SPDX-License-Identifier: GPL-3.0-or-later
#include "log/logging.h"

#include "audit/redact.h"
#include "log/qtformat.h"

#include <QDir>
#include <QtLogging>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <mutex>
#include <vector>

namespace gatehouse::log {
namespace {

// Formats like spdlog's pattern formatter, after masking secrets in the message: whatever a
// caller passes by mistake (a command line with a token, a URL with a password) never reaches the
// log file or the terminal (SECURITY-MODEL.md section 7).
class RedactingFormatter final : public spdlog::formatter
{
public:
    explicit RedactingFormatter(std::string pattern)
        : m_pattern(std::move(pattern))
        , m_inner(std::make_unique<spdlog::pattern_formatter>(m_pattern))
    {
    }

    void format(const spdlog::details::log_msg &msg, spdlog::memory_buf_t &dest) override
    {
        const QString text = QString::fromUtf8(msg.payload.data(), static_cast<qsizetype>(msg.payload.size()));
        const QString redacted = audit::redactSecrets(text);
        if (redacted == text) {
            m_inner->format(msg, dest);
            return;
        }
        const QByteArray bytes = redacted.toUtf8();
        spdlog::details::log_msg copy = msg;
        copy.payload = spdlog::string_view_t(bytes.constData(), static_cast<std::size_t>(bytes.size()));
        m_inner->format(copy, dest);
        // The colour range the pattern computed, for the terminal sink.
        msg.color_range_start = copy.color_range_start;
        msg.color_range_end = copy.color_range_end;
    }

    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<RedactingFormatter>(m_pattern); }

private:
    std::string m_pattern;
    std::unique_ptr<spdlog::pattern_formatter> m_inner;
};

struct State
{
    std::mutex mutex;
    std::vector<spdlog::sink_ptr> sinks;
    spdlog::level::level_enum level = spdlog::level::info;
    QString filePath;
    bool initialized = false;
};

State &state()
{
    static State s;
    return s;
}

spdlog::level::level_enum levelFor(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return spdlog::level::debug;
    case QtInfoMsg:
        return spdlog::level::info;
    case QtWarningMsg:
        return spdlog::level::warn;
    case QtCriticalMsg:
        return spdlog::level::err;
    case QtFatalMsg:
        return spdlog::level::critical;
    }
    return spdlog::level::warn;
}

void qtMessageHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const auto qtLogger = logger("qt");
    const char *category = context.category ? context.category : "default";
    if (qstrcmp(category, "default") == 0)
        qtLogger->log(levelFor(type), "{}", message);
    else
        qtLogger->log(levelFor(type), "[{}] {}", category, message);
    if (type == QtFatalMsg) {
        qtLogger->flush();
        std::abort();
    }
}

std::shared_ptr<spdlog::logger> makeLogger(const std::string &name, const State &s)
{
    auto created = std::make_shared<spdlog::logger>(name, s.sinks.begin(), s.sinks.end());
    created->set_level(s.level);
    created->flush_on(spdlog::level::warn);
    return created;
}

} // namespace

Expected<void> initialize(const Options &options)
{
    State &s = state();
    Expected<void> result;
    {
        std::lock_guard lock(s.mutex);
        s.sinks.clear();
        s.filePath.clear();
        s.level = options.verbose ? spdlog::level::debug : spdlog::level::info;

        auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        console->set_level(options.verbose ? spdlog::level::debug : spdlog::level::warn);
        console->set_formatter(std::make_unique<RedactingFormatter>("gatehouse: %^%l%$ [%n] %v"));
        s.sinks.push_back(console);

        if (!options.directory.isEmpty()) {
            if (!QDir().mkpath(options.directory)) {
                result = fail(QStringLiteral("cannot create the log folder %1").arg(options.directory));
            } else {
                const QString path = options.directory + QStringLiteral("/gatehouse.log");
                try {
                    auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                        path.toStdString(), options.maxFileBytes, options.maxFiles);
                    file->set_level(s.level);
                    file->set_formatter(std::make_unique<RedactingFormatter>("%Y-%m-%dT%H:%M:%S.%e%z %l [%n] %v"));
                    s.sinks.push_back(file);
                    s.filePath = path;
                } catch (const spdlog::spdlog_ex &e) {
                    result = fail(QStringLiteral("cannot open the log file %1: %2")
                                      .arg(path, QString::fromUtf8(e.what())));
                }
            }
        }
        // Loggers made before (by an earlier call) get the new sinks and level.
        spdlog::apply_all([&s](const std::shared_ptr<spdlog::logger> &existing) {
            existing->sinks() = s.sinks;
            existing->set_level(s.level);
        });
        s.initialized = true;
    }
    qInstallMessageHandler(qtMessageHandler);
    return result;
}

std::shared_ptr<spdlog::logger> logger(std::string_view area)
{
    State &s = state();
    const std::string name(area);
    std::lock_guard lock(s.mutex);
    if (auto existing = spdlog::get(name))
        return existing;
    if (!s.initialized) {
        // Before initialize(): warnings and errors still reach stderr.
        auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        console->set_level(spdlog::level::warn);
        console->set_formatter(std::make_unique<RedactingFormatter>("gatehouse: %^%l%$ [%n] %v"));
        s.sinks.push_back(console);
        s.initialized = true;
    }
    auto created = makeLogger(name, s);
    spdlog::register_logger(created);
    return created;
}

QString logFilePath()
{
    State &s = state();
    std::lock_guard lock(s.mutex);
    return s.filePath;
}

void shutdown()
{
    qInstallMessageHandler(nullptr);
    State &s = state();
    std::lock_guard lock(s.mutex);
    spdlog::apply_all([](const std::shared_ptr<spdlog::logger> &l) { l->flush(); });
    spdlog::drop_all();
    s.sinks.clear();
    s.filePath.clear();
    s.initialized = false;
}

} // namespace gatehouse::log
