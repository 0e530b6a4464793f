package dev.wxai.sandbox.pay;

import java.util.List;
import java.util.Map;

/**
 * How the next trade bills differ from the ledger: payments left out ({@code drop}, by transaction_id), totals
 * changed ({@code alter}, transaction_id → fen), payments added that the merchant never saw ({@code extra}), and a
 * {@code hash_value} that does not match the file ({@code badHash}).
 */
record BillFaults(List<String> drop, Map<String, Long> alter, List<Extra> extra, boolean badHash) {

    static final BillFaults NONE = new BillFaults(List.of(), Map.of(), List.of(), false);

    BillFaults {
        drop = drop == null ? List.of() : List.copyOf(drop);
        alter = alter == null ? Map.of() : Map.copyOf(alter);
        extra = extra == null ? List.of() : List.copyOf(extra);
    }

    /** A made-up payment: the sandbox names its transaction_id. */
    record Extra(String outTradeNo, long amountFen, String transactionId) {
    }
}
