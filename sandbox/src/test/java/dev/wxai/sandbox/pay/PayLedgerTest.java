package dev.wxai.sandbox.pay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class PayLedgerTest {

    private final PayLedger ledger = new PayLedger();

    @Test
    void aTransactionIsFoundByItsPrepayIdAndPrepayingAgainKeepsIt() {
        PayLedger.Transaction first = ledger.open(transaction("wxfirst"));
        PayLedger.Transaction again = ledger.open(transaction("wxsecond"));

        assertThat(again).isSameAs(first);
        assertThat(ledger.findByPrepayId("wxfirst")).containsSame(first);
        assertThat(ledger.findByPrepayId("wxsecond")).isEmpty();
        assertThat(ledger.findByPrepayId(null)).isEmpty();
    }

    @Test
    void confirmsRacingPayATransactionOnceWithOneTransactionId() throws Exception {
        PayLedger.Transaction transaction = ledger.open(transaction("wxprepay"));
        int confirms = 16;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(confirms);
        try {
            Callable<Boolean> confirm = () -> {
                start.await();
                return transaction.succeedIfUnpaid();
            };
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int i = 0; i < confirms; i++) {
                futures.add(pool.submit(confirm));
            }
            start.countDown();
            List<Boolean> paid = new ArrayList<>();
            for (Future<Boolean> future : futures) {
                paid.add(future.get());
            }

            assertThat(paid).containsOnlyOnce(true);
            String transactionId = transaction.transactionId;
            transaction.succeed();
            assertThat(transaction.transactionId).isEqualTo(transactionId).matches("42000[0-9]{17}");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPaidTransactionIsNotClosedAndAClosedOneIsNotPaidByTheClient() {
        PayLedger.Transaction paid = ledger.open(transaction("wxpaid"));
        paid.succeed();
        assertThat(paid.closeUnlessPaid()).isFalse();

        PayLedger.Transaction closed = new PayLedger().open(transaction("wxclosed"));
        assertThat(closed.closeUnlessPaid()).isTrue();
        assertThat(closed.succeedIfUnpaid()).isFalse();
        assertThat(closed.state).isEqualTo("CLOSED");
    }

    private static PayLedger.Transaction transaction(String prepayId) {
        return new PayLedger.Transaction("WX20261129000001", "wxapp", "1230000109", "course", 9900,
                "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "http://127.0.0.1:8080/pay/notify", "JSAPI", prepayId);
    }
}
