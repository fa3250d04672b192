// Package ec2query is the server side of AWS's ec2 protocol: requests are
// form-encoded like the query protocol's but with EC2's naming (queryName,
// else capitalised locationName; lists always flattened), responses are
// <OpResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId/>members</OpResponse>
// without a result wrapper, and errors are
// <Response><Errors><Error>...</Error></Errors><RequestID/></Response>.
package ec2query
