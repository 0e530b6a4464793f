package dev.wxai.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The real MariaDB/MySQL beside the build (127.0.0.1:3306, root, empty password unless
 * {@code WXAI_TEST_DB_HOST}, {@code _PORT}, {@code _USER}, {@code _PASSWORD} say otherwise). Each test suite
 * gets a database of its own, dropped and created afresh, so that Flyway starts from nothing.
 */
public final class TestDatabase {

    private TestDatabase() {
    }

    public static String host() {
        return System.getenv().getOrDefault("WXAI_TEST_DB_HOST", "127.0.0.1");
    }

    public static int port() {
        return Integer.parseInt(System.getenv().getOrDefault("WXAI_TEST_DB_PORT", "3306"));
    }

    public static String user() {
        return System.getenv().getOrDefault("WXAI_TEST_DB_USER", "root");
    }

    public static String password() {
        return System.getenv().getOrDefault("WXAI_TEST_DB_PASSWORD", "");
    }

    /** Drops and re-creates {@code name}; returns it for chaining into URLs. */
    public static String recreate(String name) {
        if (!name.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("test database names are lowercase words: " + name);
        }
        try (Connection connection = DriverManager.getConnection(
                "jdbc:mysql://" + host() + ":" + port() + "/", user(), password());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name);
            statement.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException("MariaDB/MySQL is not reachable at " + host() + ":" + port()
                    + " as " + user() + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row of {@code sql} in {@code database}, or null: for what a test checks. */
    public static String queryString(String database, String sql) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(database), user(), password());
             Statement statement = connection.createStatement();
             var rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("query on " + database + " failed: " + e.getMessage(), e);
        }
    }

    public static String r2dbcUrl(String database) {
        return "r2dbc:mysql://" + host() + ":" + port() + "/" + database;
    }

    public static String jdbcUrl(String database) {
        return "jdbc:mysql://" + host() + ":" + port() + "/" + database;
    }
}
