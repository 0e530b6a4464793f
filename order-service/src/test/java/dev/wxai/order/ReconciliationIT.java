package dev.wxai.order;

import static org.assertj.core.api.Assertions.assertThat;

import dev.wxai.order.reconcile.ReconciliationReport;
import dev.wxai.testsupport.SandboxClient;
import dev.wxai.testsupport.WechatRequests;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Our books against WeChat Pay's trade bill, as the sandbox serves it from its own ledger (signed link, SHA-1 checked
 * download), told to drop one payment's line, alter another's amount and add one we never saw.
 */
class ReconciliationIT extends OrderServiceStack {

    @AfterEach
    void honestBills() {
        SANDBOX_CLIENT.clearBillFaults();
    }

    @Test
    void aMissingAnExtraAndAWrongAmountAreExactlyTheDifferences() {
        String missing = paidOrder();
        String altered = paidOrder();
        String matching = paidOrder();
        String missingTx = transactionOf(missing);
        String alteredTx = transactionOf(altered);
        List<String> extra = SANDBOX_CLIENT.billFaults(List.of(missingTx), Map.of(alteredTx, 9901L),
                List.of(new SandboxClient.Extra("WXNEVERSEEN" + System.nanoTime() % 1_000_000_000L, 4200L)), false);
        String today = LocalDate.now(ZoneId.of("Asia/Shanghai")).toString();

        JsonNode report = JSON.readTree(asOperator(api.post().uri("/admin/reconciliation/" + today)).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());

        // Only these orders are this test's; the rest of the day (other tests' payments) must reconcile too, except
        // payments the sandbox made that we rightly refused (forged or wrong-amount notifications of PaymentsIT).
        Set<String> ours = Set.of(missingTx, alteredTx, transactionOf(matching), extra.get(0));
        List<JsonNode> differences = report.path("differences").valueStream()
                .filter(difference -> ours.contains(difference.path("transactionId").asString()))
                .toList();
        assertThat(differences).extracting(d -> d.path("kind").asString() + " " + d.path("transactionId").asString())
                .containsExactlyInAnyOrder("NOT_IN_BILL " + missingTx, "AMOUNT_MISMATCH " + alteredTx,
                        "NOT_IN_OUR_BOOKS " + extra.get(0));
        JsonNode mismatch = differences.stream().filter(d -> d.path("kind").asString().equals("AMOUNT_MISMATCH")).findFirst().orElseThrow();
        assertThat(mismatch.path("oursFen").asLong()).isEqualTo(9900);
        assertThat(mismatch.path("billFen").asLong()).isEqualTo(9901);

        // Stored: the operators read the same result later.
        asOperator(api.get().uri("/admin/reconciliation/" + today)).exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.differences.length()").isEqualTo(report.path("differences").size());
    }

    @Test
    void aBillWhoseHashDoesNotMatchIsNotComparedAndADayNeverReconciledIs404() {
        paidOrder();
        SANDBOX_CLIENT.billFaults(List.of(), Map.of(), List.of(), true);
        String today = LocalDate.now(ZoneId.of("Asia/Shanghai")).toString();

        asOperator(api.post().uri("/admin/reconciliation/" + today)).exchange().expectStatus().is5xxServerError();
        asOperator(api.get().uri("/admin/reconciliation/2020-01-01")).exchange().expectStatus().isNotFound();
        asOperator(api.get().uri("/admin/reconciliation/2099-01-01")).exchange().expectStatus().isBadRequest();
        api.get().uri("/admin/reconciliation/" + today).exchange().expectStatus().isUnauthorized();
    }

    private String paidOrder() {
        String outTradeNo = createOrder(WechatRequests.newOpenid(), "COURSE-AI-101", "NATIVE").path("outTradeNo").asString();
        pay(outTradeNo, Map.of());
        return outTradeNo;
    }
}
