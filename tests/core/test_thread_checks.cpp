// The thread checks themselves (accord/core/thread_checks.h): a function called on a thread the
// thread table does not give it aborts naming the function; the right thread passes.

#include "accord/core/registry.h"
#include "accord/core/thread_checks.h"

#include "death_test.h"

#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using accord::test::runInChild;

class TestThreadChecks : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void checksAreCompiledIn() {
#ifndef ACCORD_THREAD_CHECKS
        QSKIP("built without ACCORD_THREAD_CHECKS");
#endif
    }

    void noAudioCallbackWorkOnTheAudioThread() {
        accord::threads::assertNotInAudioCallback("fine here"); // not in a callback: passes
        QVERIFY(!accord::threads::inAudioCallback());
        {
            const accord::threads::AudioCallbackScope callback;
            QVERIFY(accord::threads::inAudioCallback());
            {
                const accord::threads::AudioCallbackScope nested;
                QVERIFY(accord::threads::inAudioCallback());
            }
            QVERIFY(accord::threads::inAudioCallback());
        }
        QVERIFY(!accord::threads::inAudioCallback());
        const auto end = runInChild([] {
            const accord::threads::AudioCallbackScope callback;
            accord::threads::assertNotInAudioCallback("Registry::grants");
        });
        QVERIFY(end.aborted);
        QVERIFY2(end.stderrText.contains("Registry::grants must never run on the audio thread"),
                 qPrintable(end.stderrText));
    }

    void theRegistryIsNeverTouchedFromTheAudioThread() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("registry.sqlite").toStdString();
        accord::Registry::open(path)->addHolder("Ada", ""); // any other thread: fine
        const auto end = runInChild([&path] {
            const accord::threads::AudioCallbackScope callback;
            accord::Registry::open(path)->holders();
        });
        QVERIFY(end.aborted);
        QVERIFY2(end.stderrText.contains("consent registry (an SQLite statement) must never run on "
                                         "the audio thread"),
                 qPrintable(end.stderrText));
    }

    void ownedObjectsStayOnTheirThread() {
        const accord::threads::ThreadOwner owner;
        owner.assertOwner("Engine::setProject"); // the owning thread: passes
        const auto end = runInChild([&owner] {
            std::thread other([&owner] { owner.assertOwner("Engine::setProject"); });
            other.join();
        });
        QVERIFY(end.aborted);
        QVERIFY2(end.stderrText.contains("Engine::setProject runs only on the thread that owns"),
                 qPrintable(end.stderrText));
    }
};

QTEST_GUILESS_MAIN(TestThreadChecks)
#include "test_thread_checks.moc"
