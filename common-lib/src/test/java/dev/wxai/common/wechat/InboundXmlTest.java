package dev.wxai.common.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InboundXmlTest {

    @Test
    void readsTheFieldsOfATextMessage() {
        Map<String, String> fields = InboundXml.parse("""
                <xml>
                  <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
                  <FromUserName><![CDATA[oUpF8uMuAJO_M2pxb1Q9zNjWeS6o]]></FromUserName>
                  <CreateTime>1732867200</CreateTime>
                  <MsgType><![CDATA[text]]></MsgType>
                  <Content><![CDATA[什么是大语言模型？ <b>&amp;</b>]]></Content>
                  <MsgId>24812345678901234</MsgId>
                </xml>""");

        assertThat(fields)
                .containsEntry("FromUserName", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
                .containsEntry("CreateTime", "1732867200")
                .containsEntry("Content", "什么是大语言模型？ <b>&amp;</b>")
                .containsEntry("MsgId", "24812345678901234");
    }

    @Test
    void refusesADoctypeWithAnExternalEntity() {
        assertThatThrownBy(() -> InboundXml.parse("""
                <?xml version="1.0"?>
                <!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
                <xml><Content>&xxe;</Content></xml>"""))
                .isInstanceOf(InboundXmlException.class)
                .hasMessageContaining("DOCTYPE");
    }

    @Test
    void refusesEntityExpansion() {
        assertThatThrownBy(() -> InboundXml.parse("""
                <!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
                <xml><Content>&b;</Content></xml>"""))
                .isInstanceOf(InboundXmlException.class);
    }

    @Test
    void refusesAnUndeclaredEntity() {
        assertThatThrownBy(() -> InboundXml.parse("<xml><Content>&nope;</Content></xml>"))
                .isInstanceOf(InboundXmlException.class);
    }

    @Test
    void refusesMalformedAndForeignDocuments() {
        assertThatThrownBy(() -> InboundXml.parse("<xml><Content>hi</xml>")).isInstanceOf(InboundXmlException.class);
        assertThatThrownBy(() -> InboundXml.parse("{\"json\":true}")).isInstanceOf(InboundXmlException.class);
        assertThatThrownBy(() -> InboundXml.parse("<root><A>1</A></root>")).hasMessageContaining("<xml>");
        assertThatThrownBy(() -> InboundXml.parse("<xml><A><B>1</B></A></xml>")).hasMessageContaining("nested");
        assertThatThrownBy(() -> InboundXml.parse("  ")).hasMessageContaining("empty");
    }

    @Test
    void passiveReplyKeepsContentThatLooksLikeTheEndOfCdata() {
        String reply = PassiveReply.text("openid", "gh_1", 1732867201L, "a]]>b<c>");

        assertThat(InboundXml.parse(reply))
                .containsEntry("ToUserName", "openid")
                .containsEntry("MsgType", "text")
                .containsEntry("Content", "a]]>b<c>");
    }
}
