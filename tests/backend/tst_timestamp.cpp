// SPDX-License-Identifier: GPL-3.0-or-later
// Tests of the one timestamp format: ISO 8601 UTC with milliseconds and 'Z'; older forms read.
#include <QRegularExpression>
#include <QTest>

#include "backend/timestamp.h"

using namespace ef;

class TestTimestamp final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesUtcWithMilliseconds()
    {
        const QDateTime t(QDate(2024, 5, 1), QTime(12, 34, 56, 789), Qt::UTC);
        QCOMPARE(isoTimestamp(t), QStringLiteral("2024-05-01T12:34:56.789Z"));
        // A local time with an offset is written in UTC.
        const QDateTime berlin(QDate(2024, 5, 1), QTime(14, 34, 56, 7), Qt::OffsetFromUTC, 7200);
        QCOMPARE(isoTimestamp(berlin), QStringLiteral("2024-05-01T12:34:56.007Z"));
        QVERIFY(isoTimestamp(QDateTime()).isEmpty());
        static const QRegularExpression form(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"));
        QVERIFY2(form.match(isoNow()).hasMatch(), qPrintable(isoNow()));
    }

    void readsBothForms()
    {
        const QDateTime withMs = parseIsoTimestamp(QStringLiteral("2024-05-01T12:34:56.789Z"));
        QVERIFY(withMs.isValid());
        QCOMPARE(withMs.toUTC().time(), QTime(12, 34, 56, 789));
        const QDateTime seconds = parseIsoTimestamp(QStringLiteral("2024-05-01T12:34:56Z")); // earlier builds
        QVERIFY(seconds.isValid());
        QCOMPARE(seconds.toUTC(), QDateTime(QDate(2024, 5, 1), QTime(12, 34, 56), Qt::UTC));
        QCOMPARE(parseIsoTimestamp(isoTimestamp(withMs)), withMs);
        QVERIFY(!parseIsoTimestamp(QStringLiteral("yesterday")).isValid());
    }
};

QTEST_GUILESS_MAIN(TestTimestamp)
#include "tst_timestamp.moc"
