package dev.wxai.common.wechat;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the flat {@code <xml><Field>value</Field>…</xml>} documents that WeChat posts.
 *
 * <p>Hostile input is refused, not tolerated: any DOCTYPE (and so every entity declaration, external or
 * expanding) is an error, as is nesting below the top-level fields, because WeChat never sends either.
 */
public final class InboundXml {

    private static final XMLInputFactory FACTORY = hardenedFactory();

    private InboundXml() {
    }

    public static Map<String, String> parse(String xml) {
        if (xml == null || xml.isBlank()) {
            throw new InboundXmlException("empty body");
        }
        XMLStreamReader reader = null;
        try {
            reader = FACTORY.createXMLStreamReader(new StringReader(xml));
            return readFields(reader);
        } catch (XMLStreamException e) {
            throw new InboundXmlException("malformed XML: " + firstLine(e.getMessage()));
        } finally {
            close(reader);
        }
    }

    private static Map<String, String> readFields(XMLStreamReader reader) throws XMLStreamException {
        Map<String, String> fields = new LinkedHashMap<>();
        int depth = 0;
        String field = null;
        StringBuilder text = new StringBuilder();
        while (reader.hasNext()) {
            int event = reader.next();
            switch (event) {
                case XMLStreamConstants.DTD -> throw new InboundXmlException("DOCTYPE is not allowed");
                case XMLStreamConstants.ENTITY_REFERENCE -> throw new InboundXmlException("entity references are not allowed");
                case XMLStreamConstants.START_ELEMENT -> {
                    depth++;
                    if (depth == 1 && !"xml".equals(reader.getLocalName())) {
                        throw new InboundXmlException("root element must be <xml>");
                    }
                    if (depth > 2) {
                        throw new InboundXmlException("unexpected nested element <" + reader.getLocalName() + ">");
                    }
                    if (depth == 2) {
                        field = reader.getLocalName();
                        text.setLength(0);
                    }
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                    if (depth == 2) {
                        text.append(reader.getText());
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    if (depth == 2) {
                        fields.put(field, text.toString());
                    }
                    depth--;
                }
                default -> {
                    // comments and processing instructions carry nothing WeChat sends
                }
            }
        }
        if (fields.isEmpty()) {
            throw new InboundXmlException("no fields in <xml>");
        }
        return fields;
    }

    private static XMLInputFactory hardenedFactory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void close(XMLStreamReader reader) {
        if (reader != null) {
            try {
                reader.close();
            } catch (XMLStreamException ignored) {
                // nothing was held open beyond the string
            }
        }
    }
}
