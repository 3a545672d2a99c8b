import InputParsing
import Testing

@Suite struct CSVTableTests {
    @Test func readsRowsWithLineNumbersAndQuotes() throws {
        let text = """
            # a comment
            name,value,note

            a,1.5,"x, y"
            b,2,"say ""hi""\"
            """
        let table = try CSVTable(text: text, file: "t.csv", required: ["name", "value"])
        #expect(table.columns == ["name", "value", "note"])
        #expect(table.rows.count == 2)
        #expect(table.rows[0].line == 4)
        #expect(try table.rows[0].double("value") == 1.5)
        #expect(try table.rows[0].string("note") == "x, y")
        #expect(try table.rows[1].string("note") == "say \"hi\"")
        #expect(try table.rows[1].int("value") == 2)
    }

    @Test func badNumberNamesFileLineAndField() {
        let text = "bus,p_kw\n1,10\n2,ten\n"
        do {
            let table = try CSVTable(text: text, file: "loads.csv")
            _ = try table.rows[1].double("p_kw")
            Issue.record("expected an error")
        } catch {
            #expect(error.file == "loads.csv")
            #expect(error.line == 3)
            #expect(error.field == "p_kw")
            #expect(error.description == "loads.csv:3: p_kw: expected a number, found \"ten\"")
        }
    }

    @Test func wrongFieldCountIsRejected() {
        #expect(throws: InputError.self) {
            _ = try CSVTable(text: "a,b\n1,2,3\n", file: "x.csv")
        }
    }

    @Test func missingRequiredColumnIsRejected() {
        do {
            _ = try CSVTable(text: "a,b\n1,2\n", file: "x.csv", required: ["c"])
            Issue.record("expected an error")
        } catch {
            #expect(error.field == "c")
            #expect(error.line == 1)
        }
    }

    @Test func missingFileIsReported() {
        do {
            _ = try CSVTable(path: "/nonexistent/dir/x.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.message == "file not found")
        }
    }

    @Test func negativeWhereNonNegativeExpected() {
        do {
            let table = try CSVTable(text: "cap\n-3\n", file: "c.csv")
            _ = try table.rows[0].nonNegative("cap")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "c.csv:2: cap: expected a value >= 0, found -3.0")
        }
    }

    @Test func writerQuotesOnlyWhenNeeded() {
        #expect(CSVWriter.line(["a", "b,c", "d\"e"]) == "a,\"b,c\",\"d\"\"e\"")
    }
}
