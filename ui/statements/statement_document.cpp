#include "accord/ui/statements/statement_document.h"

#include "accord/core/errors.h"
#include "accord/core/files.h"

#include <QPageLayout>
#include <QPageSize>
#include <QPdfWriter>
#include <QTextDocument>

#include <cstdio>
#include <map>
#include <vector>

namespace accord::ui {

namespace {

QString html(const std::string& text) {
    return QString::fromStdString(text).toHtmlEscaped();
}

QString period(const workflows::RoyaltyStatement& statement) {
    if (!statement.from && !statement.to)
        return QStringLiteral("all exports");
    return QStringLiteral("exports from %1 until %2")
        .arg(statement.from ? QString::fromStdString(formatIsoDate(*statement.from))
                            : QStringLiteral("the first"),
             statement.to ? QString::fromStdString(formatIsoDate(*statement.to))
                          : QStringLiteral("now"));
}

// One page per release (its title), each with its files, then the totals (docs/STATEMENTS.md).
} // namespace

QString statementHtml(const workflows::RoyaltyStatement& statement) {
    std::map<std::string, std::vector<const workflows::StatementLine*>> releases;
    for (const auto& line : statement.lines)
        releases[line.title].push_back(&line);
    const QString holder = html(statement.holder.name) +
                           (statement.holder.ipi.empty()
                                ? QString()
                                : QStringLiteral(" (IPI %1)").arg(html(statement.holder.ipi)));
    QString page = QStringLiteral("<html><body style='font-family: sans-serif; font-size: 9pt'>");
    bool first = true;
    for (const auto& [title, lines] : releases) {
        page += first ? QStringLiteral("<div>")
                      : QStringLiteral("<div style='page-break-before: always'>");
        first = false;
        page += QStringLiteral("<h2>Royalty statement: %1</h2>").arg(holder);
        page += QStringLiteral("<p>Release <b>%1</b>, %2. Shares are the split sheets signed into "
                               "each file's manifest (method in each manifest).</p>")
                    .arg(html(title.empty() ? "(untitled)" : title), period(statement));
        page += QStringLiteral(
            "<table border='1' cellspacing='0' cellpadding='3' width='100%'><tr><th>File</th>"
            "<th>Exported</th><th>Seconds</th><th>Share</th><th>Credited s</th>"
            "<th>How it was made</th><th>Terms</th><th>Commercial</th></tr>");
        double credited = 0;
        for (const auto* line : lines) {
            credited += line->seconds * line->percent / 100;
            page += QStringLiteral("<tr><td>%1 (%2, %3)</td><td>%4</td><td align='right'>%5</td>"
                                   "<td align='right'>%6 %</td><td align='right'>%7</td>"
                                   "<td>%8</td><td>%9</td><td>%10</td></tr>")
                        .arg(html(line->file), html(line->role), html(line->exportId),
                             html(line->exportedAt))
                        .arg(line->seconds, 0, 'f', 1)
                        .arg(line->percent, 0, 'f', 2)
                        .arg(line->seconds * line->percent / 100, 0, 'f', 1)
                        .arg(html(line->howMade), html(line->terms),
                             line->commercial ? QStringLiteral("yes") : QStringLiteral("no"));
        }
        page += QStringLiteral("</table><p>Release total: %1 credited seconds over %2 file(s).</p>"
                               "</div>")
                    .arg(credited, 0, 'f', 1)
                    .arg(lines.size());
    }
    page += QStringLiteral("<p><b>Total: %1 file(s) in %2 release(s), %3 credited seconds.</b></p>")
                .arg(statement.lines.size())
                .arg(statement.releases)
                .arg(statement.creditedSeconds, 0, 'f', 1);
    return page + QStringLiteral("</body></html>");
}

void writeStatementPdf(const workflows::RoyaltyStatement& statement, const std::string& path) {
    const std::string temporary = path + ".partial";
    {
        QPdfWriter writer(QString::fromStdString(temporary));
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageOrientation(QPageLayout::Landscape);
        writer.setTitle(QStringLiteral("Royalty statement"));
        writer.setCreator(QStringLiteral("Accord"));
        QTextDocument document;
        document.setHtml(statementHtml(statement));
        document.print(&writer);
    }
    std::string bytes;
    try {
        bytes = readWholeFile(temporary);
    } catch (const BadInput&) {
    }
    std::remove(temporary.c_str());
    if (bytes.compare(0, 5, "%PDF-") != 0)
        throw BadInput(path + ": the PDF could not be written");
    writeFileAtomically(path, bytes);
}

} // namespace accord::ui
