package dev.wxai.sandbox.pay;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Refunds in the ledger, and the trade bill the sandbox builds of it, in WeChat Pay's file format. */
class TradeBillsTest {

    private final PayLedger ledger = new PayLedger();
    private final TradeBills bills = new TradeBills(ledger);
    private final LocalDate today = OffsetDateTime.now(java.time.ZoneOffset.ofHours(8)).toLocalDate();

    @Test
    void partialRefundsAddUpToTheTotalAndNoFurtherAndTheSameRefundNumberIsTheSameRefund() {
        PayLedger.Transaction paid = paid("WXBILL1", 9900);

        PayLedger.Refund first = ledger.refund(paid, "RF1", 4000).orElseThrow();
        assertThat(ledger.refund(paid, "RF1", 4000)).containsSame(first);
        assertThat(ledger.refund(paid, "RF2", 5900)).isPresent();
        assertThat(ledger.refund(paid, "RF3", 1)).isEmpty(); // NOT_ENOUGH
        assertThat(first.json()).containsEntry("status", "PROCESSING").containsEntry("out_refund_no", "RF1");

        first.succeed();
        assertThat(first.json()).containsEntry("status", "SUCCESS").containsKey("success_time");
        assertThat(first.notification()).containsEntry("refund_status", "SUCCESS").containsEntry("mchid", "1230000109");
        assertThat(paid.state).isEqualTo("REFUND");
    }

    @Test
    void theBillHasTheHeaderAPaymentLineARefundLineAndTheSummaryInYuan() {
        PayLedger.Transaction paid = paid("WXBILL2", 9900);
        ledger.refund(paid, "RFBILL2", 4950).orElseThrow().succeed();

        String file = new String(bills.file(today, BillFaults.NONE), StandardCharsets.UTF_8);
        String[] lines = file.split("\r\n");

        assertThat(lines[0]).isEqualTo(TradeBills.HEADER);
        assertThat(lines[1]).startsWith("`").contains(",`" + paid.transactionId + ",`WXBILL2,", ",`SUCCESS,", ",`99.00,");
        assertThat(lines[2]).contains(",`REFUND,", ",`RFBILL2,", ",`49.50,", ",`ORIGINAL,`SUCCESS,");
        assertThat(lines[3]).isEqualTo(TradeBills.SUMMARY_HEADER);
        assertThat(lines[4]).startsWith("`2,`99.00,`49.50,");
        assertThat(bills.file(today.minusDays(3), BillFaults.NONE)).isNull(); // NO_STATEMENT_EXIST
    }

    @Test
    void faultsDropAlterAndAddLinesAndTheHashIsTheFilesUnlessToldOtherwise() {
        PayLedger.Transaction dropped = paid("WXBILL3", 100);
        PayLedger.Transaction altered = paid("WXBILL4", 200);
        BillFaults faults = new BillFaults(List.of(dropped.transactionId), Map.of(altered.transactionId, 201L),
                List.of(new BillFaults.Extra("WXEXTRA", 300, "4200099")), false);

        String file = new String(bills.file(today, faults), StandardCharsets.UTF_8);
        assertThat(file).doesNotContain(dropped.transactionId).contains(",`" + altered.transactionId + ",", ",`2.01,")
                .contains(",`4200099,`WXEXTRA,", ",`3.00,");

        bills.faults(faults);
        Map<String, Object> link = bills.issue(today, URI.create("http://127.0.0.1:8090/v3/bill/tradebill?bill_date=" + today)).orElseThrow();
        String token = link.get("download_url").toString().replaceFirst(".*token=", "");
        assertThat(link.get("download_url").toString()).startsWith("http://127.0.0.1:8090/v3/billdownload/file?token=");
        assertThat(link.get("hash_value")).isEqualTo(TradeBills.sha1(bills.download(token).orElseThrow()));

        bills.faults(new BillFaults(List.of(), Map.of(), List.of(), true));
        Map<String, Object> badLink = bills.issue(today, URI.create("http://127.0.0.1:8090/")).orElseThrow();
        String badToken = badLink.get("download_url").toString().replaceFirst(".*token=", "");
        assertThat(badLink.get("hash_value")).isNotEqualTo(TradeBills.sha1(bills.download(badToken).orElseThrow()));
        assertThat(bills.download("unknown")).isEmpty();
    }

    private PayLedger.Transaction paid(String outTradeNo, long total) {
        PayLedger.Transaction transaction = ledger.open(new PayLedger.Transaction(outTradeNo, "wx5823bf96d3bd56c7", "1230000109",
                "AI 入门课", total, "oBillPayer", "http://127.0.0.1:8080/pay/notify", "JSAPI", "wx" + outTradeNo));
        transaction.succeed();
        return transaction;
    }
}
